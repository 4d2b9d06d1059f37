//! The chunked containers of the EA IFF 85 family: RIFF/RIFX/RF64/BW64
//! WAVE ([`wav`]) and FORM AIFF/AIFC ([`aiff`]), which share one chunk
//! walker ([`chunks`]). WAVE files may describe their tracks with ADM
//! ([`adm`]). Their audio is uncompressed PCM in one chunk,
//! described for verification by a [`crate::formats::pcm::PcmLayout`].

pub mod adm;
pub mod aiff;
pub mod chunks;
pub mod wav;

/// The RIFF-family magic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RiffForm {
    /// `RIFF`, little-endian.
    Riff,
    /// `RIFX`, big-endian.
    Rifx,
    /// `RF64` (EBU Tech 3306).
    Rf64,
    /// `BW64` (ITU-R BS.2088).
    Bw64,
}

/// Display names of the metadata chunks worth listing in a record.
pub(crate) fn chunk_name(id: &[u8; 4]) -> Option<&'static str> {
    Some(match id {
        b"bext" => "bext",
        b"iXML" => "iXML",
        b"MD5 " => "MD5",
        b"axml" => "axml",
        b"cart" => "cart",
        b"cue " => "cue",
        b"smpl" => "smpl",
        b"inst" | b"INST" => "inst",
        b"acid" => "acid",
        b"id3 " | b"ID3 " => "ID3",
        b"_PMX" => "XMP",
        b"chna" => "chna",
        b"NAME" => "NAME",
        b"AUTH" => "AUTH",
        b"(c) " => "(c)",
        b"ANNO" => "ANNO",
        b"COMT" => "COMT",
        b"MARK" => "MARK",
        b"APPL" => "APPL",
        _ => return None,
    })
}
