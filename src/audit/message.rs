//! Reading an ERN `NewReleaseMessage` for an audit: one pass of quick-xml
//! events over the message, no tree. The reader keeps a stack of element
//! names and picks out what an audit compares with the files (resources,
//! their technical blocks and files), what the feed's rules look at
//! (ISRCs, releases and the resources they list, deals) and where each
//! resource is in the message (its line), for every ERN version from 3.4
//! to 4.3: the elements it looks for are named the same in all of them,
//! and where they sit differs only in ways the stack tells apart.

use quick_xml::events::{BytesStart, Event};
use std::fmt;

/// The most a message may weigh: a 1000-track message is a few MB.
pub const MAX_MESSAGE_BYTES: usize = 256 << 20;

/// The deepest nesting read: ERN messages nest about 12 levels.
pub const MAX_DEPTH: usize = 256;

/// The most elements read from one message: each adds at most one item
/// (a resource, a file, a reference, a word) to what is kept, so memory
/// stays bounded whatever the input. A 1000-track message has about
/// 100,000.
pub const MAX_ITEMS: usize = 1_000_000;

/// An ERN version, from the message's namespace
/// (`http://ddex.net/xml/ern/43` is 4.3, `.../ern/341` is 3.4.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErnVersion {
    /// The digits of the namespace (`43`, `341`, `382`).
    pub code: String,
    /// The namespace itself.
    pub namespace: String,
}

impl ErnVersion {
    /// The major version (3 or 4).
    pub fn major(&self) -> u8 {
        self.code.as_bytes()[0] - b'0'
    }

    /// Whether the version is one of those this reader was tested on
    /// (3.4, 3.4.1, 3.8.x, 4.1, 4.1.1, 4.2, 4.3).
    pub fn tested(&self) -> bool {
        matches!(
            self.code.as_str(),
            "34" | "341" | "38" | "381" | "382" | "383" | "41" | "411" | "42" | "43"
        )
    }
}

impl fmt::Display for ErnVersion {
    /// `4.3`, `3.4.1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.code.chars().map(String::from).collect();
        f.write_str(&parts.join("."))
    }
}

/// A message that cannot be read at all: where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// 1-based line, when the problem is at a place in the text.
    pub line: Option<u32>,
    /// 1-based column (in characters), likewise.
    pub column: Option<u32>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// A coded value: the DDEX word, or for `UserDefined` its
/// `UserDefinedValue`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Word {
    /// The element's text (`WAV`, `UserDefined`).
    pub word: String,
    /// `UserDefinedValue`, when given.
    pub user_defined: Option<String>,
}

impl Word {
    /// What the word means: the user-defined value of `UserDefined`, else
    /// the word.
    pub fn value(&self) -> &str {
        match &self.user_defined {
            Some(v) if self.word == "UserDefined" || self.word.is_empty() => v,
            _ => &self.word,
        }
    }
}

/// A figure with its `UnitOfMeasure`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Measure {
    /// The text (`44100`, `1411.2`).
    pub value: String,
    /// `UnitOfMeasure` (`Hz`, `kHz`, `kbps`), when given.
    pub unit: Option<String>,
}

/// Where a message puts a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// ERN 3.x `FileName` and `FilePath`.
    Name {
        /// `FileName`.
        name: String,
        /// `FilePath`, when given.
        path: Option<String>,
    },
    /// ERN 3.x `URL` or 4.x `URI`.
    Uri(String),
}

impl Location {
    /// The location as the message writes it (`resources/A1.wav`).
    pub fn text(&self) -> String {
        match self {
            Location::Name { name, path: None } => name.clone(),
            Location::Name {
                name,
                path: Some(p),
            } => {
                let p = p.trim_end_matches(['/', '\\']);
                if p.is_empty() {
                    name.clone()
                } else {
                    format!("{p}/{name}")
                }
            }
            Location::Uri(u) => u.clone(),
        }
    }
}

/// A `HashSum`: the algorithm as written and the value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HashDecl {
    /// `HashSumAlgorithmType` (3.x) or `Algorithm` (4.x).
    pub algorithm: Word,
    /// `HashSum` (3.x) or `HashSumValue` (4.x).
    pub value: String,
}

/// One `File` of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRef {
    /// Where the file is, when the message says.
    pub location: Option<Location>,
    /// Its digest, when stated.
    pub hash: Option<HashDecl>,
    /// 4.x `FileSize` (kilobytes of 1024 bytes).
    pub size_kb: Option<String>,
    /// Line of the `File` element.
    pub line: u32,
}

/// A technical block (`TechnicalSoundRecordingDetails`,
/// `TechnicalImageDetails`, 4.x `TechnicalDetails`...): what the message
/// says about one delivered file of a resource.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Technical {
    /// `TechnicalResourceDetailsReference`.
    pub reference: Option<String>,
    /// `ContainerFormat`.
    pub container: Option<Word>,
    /// `AudioCodecType`.
    pub audio_codec: Option<Word>,
    /// `ImageCodecType`.
    pub image_codec: Option<Word>,
    /// `BitRate`.
    pub bit_rate: Option<Measure>,
    /// `NumberOfChannels`.
    pub channels: Option<String>,
    /// `SamplingRate`.
    pub sampling_rate: Option<Measure>,
    /// `BitsPerSample`.
    pub bits_per_sample: Option<String>,
    /// `Duration` of the file.
    pub duration: Option<String>,
    /// `ImageWidth`.
    pub width: Option<String>,
    /// `ImageHeight`.
    pub height: Option<String>,
    /// `IsPreview` or `IsClip` is true: the file is an excerpt.
    pub preview: bool,
    /// The files (one, almost always).
    pub files: Vec<FileRef>,
    /// Line of the block.
    pub line: u32,
}

/// One resource of the `ResourceList`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resource {
    /// The element (`SoundRecording`, `Image`, `Video`, `Text`...).
    pub kind: String,
    /// `ResourceReference`.
    pub reference: Option<String>,
    /// ISRCs of its `SoundRecordingId` (3.x) or `ResourceId` (4.x).
    pub isrcs: Vec<String>,
    /// Its `Type` / `SoundRecordingType` / `ImageType`.
    pub resource_type: Option<String>,
    /// The recording's `Duration` (resource level).
    pub duration: Option<String>,
    /// Its technical blocks.
    pub technical: Vec<Technical>,
    /// Line of the resource element.
    pub line: u32,
}

impl Resource {
    /// The reference, or `(no reference)`.
    pub fn name(&self) -> &str {
        self.reference.as_deref().unwrap_or("(no reference)")
    }
}

/// One release of the `ReleaseList` (`Release` or 4.x `TrackRelease`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReleaseEntry {
    /// The element (`Release`, `TrackRelease`).
    pub element: String,
    /// `ReleaseReference`.
    pub reference: Option<String>,
    /// Its `ReleaseType` words.
    pub types: Vec<String>,
    /// Every resource it lists (`ReleaseResourceReference`,
    /// `LinkedReleaseResourceReference`), with the line.
    pub resources: Vec<(String, u32)>,
    /// Line of the release element.
    pub line: u32,
}

impl ReleaseEntry {
    /// A track release: 4.x `TrackRelease`, or a 3.x `Release` of type
    /// `TrackRelease`.
    pub fn is_track_release(&self) -> bool {
        self.element == "TrackRelease" || self.types.iter().any(|t| t == "TrackRelease")
    }
}

/// The terms of one `Deal`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DealTerms {
    /// `CommercialModelType` words.
    pub commercial_models: Vec<String>,
    /// `UseType` words.
    pub use_types: Vec<String>,
    /// 3.x `TakeDown` is true.
    pub takedown: bool,
}

/// One `ReleaseDeal`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReleaseDeal {
    /// `DealReleaseReference`s.
    pub releases: Vec<String>,
    /// Its deals.
    pub deals: Vec<DealTerms>,
    /// Line of the element.
    pub line: u32,
}

/// What an audit needs of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The ERN version.
    pub version: ErnVersion,
    /// `MessageId`.
    pub message_id: Option<String>,
    /// `MessageThreadId`.
    pub thread_id: Option<String>,
    /// `MessageSender/PartyId`.
    pub sender: Option<String>,
    /// `MessageRecipient/PartyId`.
    pub recipient: Option<String>,
    /// `MessageControlType`.
    pub control: Option<String>,
    /// 3.x `UpdateIndicator`.
    pub update_indicator: Option<String>,
    /// The resources, in message order.
    pub resources: Vec<Resource>,
    /// The releases, in message order.
    pub releases: Vec<ReleaseEntry>,
    /// The release deals, in message order.
    pub deals: Vec<ReleaseDeal>,
    /// Files named outside any resource (3.x release-level `File`).
    pub other_files: Vec<FileRef>,
    /// Whether a `DealList` is present.
    pub has_deal_list: bool,
}

/// One open element: its local name and the attributes an audit reads.
struct Frame {
    name: String,
    user_defined: Option<String>,
    unit: Option<String>,
}

/// Lines of byte positions of `text`, counted forward from the last
/// position asked (positions only grow during a read): linear over the
/// whole message, however long its lines.
struct Lines<'a> {
    text: &'a str,
    pos: usize,
    line: u32,
    line_start: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        Lines {
            text,
            pos: 0,
            line: 1,
            line_start: 0,
        }
    }

    /// The 1-based line of byte `pos`.
    fn line(&mut self, pos: usize) -> u32 {
        let pos = pos.min(self.text.len());
        if pos < self.pos {
            *self = Lines::new(self.text);
        }
        let bytes = &self.text.as_bytes()[self.pos..pos];
        for (i, b) in bytes.iter().enumerate() {
            if *b == b'\n' {
                self.line = self.line.saturating_add(1);
                self.line_start = self.pos + i + 1;
            }
        }
        self.pos = pos;
        self.line
    }

    /// The 1-based line and column (in characters) of byte `pos`: for
    /// errors, once.
    fn line_and_column(&mut self, pos: usize) -> (u32, u32) {
        let line = self.line(pos);
        let column = self.text[self.line_start..floor_char(self.text, self.pos)]
            .chars()
            .count();
        (
            line,
            u32::try_from(column).unwrap_or(u32::MAX).saturating_add(1),
        )
    }
}

/// The largest char boundary at or before `pos`.
fn floor_char(s: &str, mut pos: usize) -> usize {
    while pos > 0 && !s.is_char_boundary(pos) {
        pos -= 1;
    }
    pos
}

/// An error at byte `pos`.
fn error_at(text: &str, pos: usize, message: String) -> ReadError {
    let (line, column) = Lines::new(text).line_and_column(pos);
    ReadError {
        line: Some(line),
        column: Some(column),
        message,
    }
}

/// Read a message from its bytes.
pub fn read(bytes: &[u8]) -> Result<Message, ReadError> {
    if bytes.len() > MAX_MESSAGE_BYTES {
        return Err(ReadError {
            line: None,
            column: None,
            message: format!(
                "the message is {} bytes, more than the {} MiB an audit reads",
                bytes.len(),
                MAX_MESSAGE_BYTES >> 20
            ),
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(ReadError {
            line: None,
            column: None,
            message: "the message is UTF-16: re-encode it as UTF-8, as DDEX recommends".into(),
        });
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or("");
            let mut err = error_at(valid, valid.len(), String::new());
            err.message = format!("the message is not UTF-8 (byte {})", e.valid_up_to());
            return Err(err);
        }
    };
    Parser::new(text).run()
}

/// The reader's state during one pass.
struct Parser<'a> {
    text: &'a str,
    lines: Lines<'a>,
    stack: Vec<Frame>,
    /// Text of the innermost open element.
    buf: String,
    msg: Message,
    resource: Option<Resource>,
    technical: Option<Technical>,
    file: Option<FileRef>,
    release: Option<ReleaseEntry>,
    deal: Option<ReleaseDeal>,
    terms: Option<DealTerms>,
    /// Elements read so far ([`MAX_ITEMS`]).
    items: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Parser<'a> {
        Parser {
            text,
            lines: Lines::new(text),
            stack: Vec::new(),
            buf: String::new(),
            msg: Message {
                version: ErnVersion {
                    code: String::new(),
                    namespace: String::new(),
                },
                message_id: None,
                thread_id: None,
                sender: None,
                recipient: None,
                control: None,
                update_indicator: None,
                resources: Vec::new(),
                releases: Vec::new(),
                deals: Vec::new(),
                other_files: Vec::new(),
                has_deal_list: false,
            },
            resource: None,
            technical: None,
            file: None,
            release: None,
            deal: None,
            terms: None,
            items: 0,
        }
    }

    fn run(mut self) -> Result<Message, ReadError> {
        let mut reader = quick_xml::Reader::from_str(self.text);
        let mut root_seen = false;
        loop {
            let before = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
            let event = match reader.read_event() {
                Ok(e) => e,
                Err(e) => {
                    let pos = usize::try_from(reader.error_position()).unwrap_or(0);
                    return Err(error_at(
                        self.text,
                        pos,
                        format!("the message is not well-formed XML: {e}"),
                    ));
                }
            };
            // Skip the whitespace quick-xml leaves before a tag.
            let at = before
                + self.text[before.min(self.text.len())..]
                    .find(|c: char| !c.is_whitespace())
                    .unwrap_or(0);
            if self.stack.len() >= MAX_DEPTH {
                return Err(error_at(
                    self.text,
                    at,
                    format!("the message nests elements more than {MAX_DEPTH} deep"),
                ));
            }
            if self.items > MAX_ITEMS {
                return Err(error_at(
                    self.text,
                    at,
                    format!(
                        "the message holds more than {MAX_ITEMS} elements: more than an audit reads"
                    ),
                ));
            }
            match event {
                Event::Start(e) => {
                    if !root_seen {
                        self.root(&e, at)?;
                        root_seen = true;
                    }
                    self.start(&e, at);
                }
                Event::Empty(e) => {
                    if !root_seen {
                        self.root(&e, at)?;
                        root_seen = true;
                    }
                    self.start(&e, at);
                    self.end();
                }
                Event::End(_) => self.end(),
                Event::Text(t) => self.buf.push_str(&t.xml10_content()),
                Event::CData(t) => self.buf.push_str(&t.xml10_content()),
                Event::GeneralRef(r) => {
                    if let Ok(Some(c)) = r.resolve_char_ref() {
                        self.buf.push(c);
                    } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r) {
                        self.buf.push_str(s);
                    } else {
                        return Err(error_at(
                            self.text,
                            at,
                            format!(
                                "the message uses the entity '&{};', which is not one of XML's \
                                 own: DDEX messages declare no entities",
                                &*r
                            ),
                        ));
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if !root_seen {
            return Err(ReadError {
                line: None,
                column: None,
                message: "the file holds no XML element".into(),
            });
        }
        if !self.stack.is_empty() {
            return Err(error_at(
                self.text,
                self.text.len(),
                format!(
                    "the message ends inside <{}>",
                    self.stack[self.stack.len() - 1].name
                ),
            ));
        }
        Ok(self.msg)
    }

    /// Check the root: a `NewReleaseMessage` in an ERN 3 or 4 namespace.
    fn root(&mut self, e: &BytesStart, at: usize) -> Result<(), ReadError> {
        let qname = e.name();
        let qname = qname.as_ref();
        let local = e.local_name();
        let local = local.as_ref();
        let prefix = qname.strip_suffix(local).and_then(|p| p.strip_suffix(':'));
        let wanted = match prefix {
            Some(p) => format!("xmlns:{p}"),
            None => "xmlns".to_string(),
        };
        let namespace = e
            .attributes()
            .flatten()
            .find(|a| a.key.as_ref() == wanted)
            .map(|a| a.value.to_string());
        if local != "NewReleaseMessage" {
            return Err(error_at(
                self.text,
                at,
                format!(
                    "the root element is <{qname}>, not a NewReleaseMessage: audit reads ERN \
                     NewReleaseMessages"
                ),
            ));
        }
        let Some(ns) = namespace else {
            return Err(error_at(
                self.text,
                at,
                "the NewReleaseMessage has no namespace: an ERN message is in \
                 http://ddex.net/xml/ern/NN"
                    .into(),
            ));
        };
        let code = ns
            .trim_end_matches('/')
            .strip_prefix("http://ddex.net/xml/ern/")
            .filter(|c| {
                (2..=3).contains(&c.len())
                    && c.bytes().all(|b| b.is_ascii_digit())
                    && (c.starts_with('3') || c.starts_with('4'))
            });
        let Some(code) = code else {
            return Err(error_at(
                self.text,
                at,
                format!(
                    "the namespace '{ns}' is not one of ERN 3 or 4 (http://ddex.net/xml/ern/34, \
                     .../341, .../382, .../42, .../43)"
                ),
            ));
        };
        self.msg.version = ErnVersion {
            code: code.to_string(),
            namespace: ns,
        };
        Ok(())
    }

    fn parent(&self, up: usize) -> &str {
        let n = self.stack.len();
        if n > up {
            &self.stack[n - 1 - up].name
        } else {
            ""
        }
    }

    fn inside(&self, name: &str) -> bool {
        self.stack.iter().any(|f| f.name == name)
    }

    fn start(&mut self, e: &BytesStart, at: usize) {
        let name = e.local_name().as_ref().to_string();
        let mut frame = Frame {
            name,
            user_defined: None,
            unit: None,
        };
        for a in e.attributes().flatten() {
            let key = a.key.local_name();
            let value = || {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map(|v| v.into_owned())
                    .unwrap_or_else(|_| a.value.to_string())
            };
            match key.as_ref() {
                "UserDefinedValue" => frame.user_defined = Some(value()),
                "UnitOfMeasure" => frame.unit = Some(value()),
                _ => {}
            }
        }
        let line = self.lines.line(at);
        let parent = self.parent(0).to_string();
        let name = frame.name.as_str();
        if parent == "ResourceList" && self.stack.len() == 2 {
            self.resource = Some(Resource {
                kind: name.to_string(),
                line,
                ..Resource::default()
            });
        } else if self.resource.is_some()
            && self.technical.is_none()
            && name.starts_with("Technical")
            && name.ends_with("Details")
        {
            self.technical = Some(Technical {
                line,
                ..Technical::default()
            });
        } else if name == "File" {
            self.file = Some(FileRef {
                location: None,
                hash: None,
                size_kb: None,
                line,
            });
        } else if parent == "ReleaseList" && self.stack.len() == 2 {
            self.release = Some(ReleaseEntry {
                element: name.to_string(),
                line,
                ..ReleaseEntry::default()
            });
        } else if name == "ReleaseDeal" && parent == "DealList" {
            self.deal = Some(ReleaseDeal {
                line,
                ..ReleaseDeal::default()
            });
        } else if name == "Deal" && self.deal.is_some() {
            self.terms = Some(DealTerms::default());
        } else if name == "DealList" {
            self.msg.has_deal_list = true;
        }
        self.stack.push(frame);
        self.buf.clear();
        // Whatever this element adds (a resource, a file, a reference, a
        // word) is at most one item.
        self.items += 1;
    }

    fn end(&mut self) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let text = self.buf.trim().to_string();
        self.buf.clear();
        let name = frame.name.as_str();
        let parent = self.parent(0).to_string();
        let word = || Word {
            word: text.clone(),
            user_defined: frame.user_defined.clone(),
        };
        let measure = || Measure {
            value: text.clone(),
            unit: frame.unit.clone(),
        };
        let some = || (!text.is_empty()).then(|| text.clone());
        // The header.
        if self.inside("MessageHeader") {
            match (name, parent.as_str()) {
                ("MessageId", "MessageHeader") => self.msg.message_id = some(),
                ("MessageThreadId", "MessageHeader") => self.msg.thread_id = some(),
                ("MessageControlType", "MessageHeader") => self.msg.control = some(),
                ("PartyId", "MessageSender") => self.msg.sender = some(),
                ("PartyId", "MessageRecipient") => self.msg.recipient = some(),
                _ => {}
            }
            return;
        }
        if name == "UpdateIndicator" && self.stack.len() == 1 {
            self.msg.update_indicator = some();
            return;
        }
        // A file, wherever it is.
        if let Some(file) = self.file.as_mut() {
            match (name, parent.as_str()) {
                ("FileName", "File") => match &mut file.location {
                    Some(Location::Name { name, .. }) => *name = text.clone(),
                    _ => {
                        file.location = Some(Location::Name {
                            name: text.clone(),
                            path: None,
                        })
                    }
                },
                ("FilePath", "File") => match &mut file.location {
                    Some(Location::Name { path, .. }) => *path = some(),
                    _ => {
                        file.location = Some(Location::Name {
                            name: String::new(),
                            path: some(),
                        })
                    }
                },
                ("URL" | "URI", "File") => file.location = Some(Location::Uri(text.clone())),
                ("HashSum" | "HashSumValue", "HashSum") => {
                    file.hash.get_or_insert_with(HashDecl::default).value = text.clone()
                }
                ("HashSumAlgorithmType" | "Algorithm", "HashSum") => {
                    file.hash.get_or_insert_with(HashDecl::default).algorithm = word()
                }
                ("FileSize", "File") => file.size_kb = some(),
                ("File", _) => match (self.file.take(), self.technical.as_mut()) {
                    (Some(file), Some(t)) => t.files.push(file),
                    (Some(file), None) => self.msg.other_files.push(file),
                    (None, _) => {}
                },
                _ => {}
            }
            return;
        }
        // A technical block of a resource.
        if let Some(t) = self.technical.as_mut() {
            let in_preview = parent == "PreviewDetails";
            match name {
                "TechnicalResourceDetailsReference" => t.reference = some(),
                "ContainerFormat" => t.container = Some(word()),
                "AudioCodecType" => t.audio_codec = Some(word()),
                "ImageCodecType" => t.image_codec = Some(word()),
                "BitRate" => t.bit_rate = Some(measure()),
                "NumberOfChannels" => t.channels = some(),
                "SamplingRate" => t.sampling_rate = Some(measure()),
                "BitsPerSample" => t.bits_per_sample = some(),
                "Duration" if !in_preview => t.duration = some(),
                "ImageWidth" => t.width = some(),
                "ImageHeight" => t.height = some(),
                "IsPreview" | "IsClip" => t.preview = text == "true" || text == "1",
                _ => {}
            }
            if name.starts_with("Technical")
                && name.ends_with("Details")
                && let (Some(t), Some(r)) = (self.technical.take(), self.resource.as_mut())
            {
                r.technical.push(t);
            }
            return;
        }
        if let Some(r) = self.resource.as_mut() {
            // After the pop: the resource's own children leave it on top.
            let top = self.stack.len() == 3;
            match (name, parent.as_str()) {
                ("ResourceReference", _) if top => r.reference = some(),
                ("ISRC", "SoundRecordingId" | "ResourceId") => r.isrcs.push(text.clone()),
                ("Duration", _) if top => r.duration = some(),
                ("Type" | "SoundRecordingType" | "ImageType", _) if top => {
                    r.resource_type = Some(word().value().to_string())
                }
                _ => {}
            }
            if self.stack.len() == 2
                && let Some(r) = self.resource.take()
            {
                self.msg.resources.push(r);
            }
            return;
        }
        if let Some(rel) = self.release.as_mut() {
            let top = self.stack.len() == 3;
            match name {
                "ReleaseReference" if top => rel.reference = some(),
                "ReleaseType" => rel.types.push(word().value().to_string()),
                "ReleaseResourceReference" | "LinkedReleaseResourceReference" => {
                    let line = self.lines.line;
                    rel.resources.push((text.clone(), line))
                }
                _ => {}
            }
            if self.stack.len() == 2
                && let Some(r) = self.release.take()
            {
                self.msg.releases.push(r);
            }
            return;
        }
        if let Some(deal) = self.deal.as_mut() {
            match name {
                "DealReleaseReference" => deal.releases.push(text.clone()),
                "CommercialModelType" => {
                    if let Some(t) = self.terms.as_mut() {
                        t.commercial_models.push(word().value().to_string())
                    }
                }
                "UseType" => {
                    if let Some(t) = self.terms.as_mut() {
                        t.use_types.push(word().value().to_string())
                    }
                }
                "TakeDown" => {
                    if let Some(t) = self.terms.as_mut() {
                        t.takedown = text == "true" || text == "1";
                    }
                }
                "Deal" => {
                    if let Some(t) = self.terms.take() {
                        deal.deals.push(t);
                    }
                }
                "ReleaseDeal" => {
                    if let Some(d) = self.deal.take() {
                        self.msg.deals.push(d);
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_from_namespaces() {
        for (ns, shown) in [
            ("34", "3.4"),
            ("341", "3.4.1"),
            ("382", "3.8.2"),
            ("43", "4.3"),
        ] {
            let xml =
                format!("<ern:NewReleaseMessage xmlns:ern=\"http://ddex.net/xml/ern/{ns}\"/>");
            let m = read(xml.as_bytes()).unwrap();
            assert_eq!(m.version.to_string(), shown);
        }
        let e =
            read(b"<a:NewReleaseMessage xmlns:a=\"http://ddex.net/xml/mead/10\"/>").unwrap_err();
        assert!(e.message.contains("not one of ERN"), "{e}");
        let e = read(b"<PurgeReleaseMessage xmlns=\"http://ddex.net/xml/ern/43\"/>").unwrap_err();
        assert!(e.message.contains("not a NewReleaseMessage"), "{e}");
    }

    #[test]
    fn errors_have_line_and_column() {
        let xml = "<?xml version=\"1.0\"?>\n<ern:NewReleaseMessage xmlns:ern=\"http://ddex.net/xml/ern/43\">\n  <ResourceList>\n  </Oops>\n";
        let e = read(xml.as_bytes()).unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
        assert!(e.column.is_some());
        let e = read(b"").unwrap_err();
        assert!(e.message.contains("no XML element"));
        let e = read(b"<ern:NewReleaseMessage xmlns:ern=\"http://ddex.net/xml/ern/43\"><A>")
            .unwrap_err();
        assert!(
            e.message.contains("ends inside") || e.message.contains("well-formed"),
            "{e}"
        );
        let e = read(b"\xff\xfe<\x00").unwrap_err();
        assert!(e.message.contains("UTF-16"));
        let e = read(b"<a>\xff</a>").unwrap_err();
        assert!(e.message.contains("not UTF-8"));
    }

    #[test]
    fn hostile_shapes_are_refused_with_bounded_memory() {
        let head = "<ern:NewReleaseMessage xmlns:ern=\"http://ddex.net/xml/ern/43\">";
        let deep = format!("{head}{}", "<a>".repeat(MAX_DEPTH + 10));
        let e = read(deep.as_bytes()).unwrap_err();
        assert!(e.message.contains("deep"), "{e}");
        let wide = format!(
            "{head}<ResourceList>{}</ResourceList></ern:NewReleaseMessage>",
            "<SoundRecording/>".repeat(MAX_ITEMS + 10)
        );
        let e = read(wide.as_bytes()).unwrap_err();
        assert!(e.message.contains("elements"), "{e}");
    }

    #[test]
    fn entities_are_not_expanded() {
        let xml = "<!DOCTYPE x [<!ENTITY e \"boom\">]><ern:NewReleaseMessage xmlns:ern=\"http://ddex.net/xml/ern/43\"><MessageHeader><MessageId>&e;</MessageId></MessageHeader></ern:NewReleaseMessage>";
        let e = read(xml.as_bytes()).unwrap_err();
        assert!(e.message.contains("entity"), "{e}");
        let xml = "<ern:NewReleaseMessage xmlns:ern=\"http://ddex.net/xml/ern/43\"><MessageHeader><MessageId>a&amp;b&#65;</MessageId></MessageHeader></ern:NewReleaseMessage>";
        assert_eq!(
            read(xml.as_bytes()).unwrap().message_id.as_deref(),
            Some("a&bA")
        );
    }

    #[test]
    fn a_34_resource_and_a_43_resource() {
        let xml = r#"<ern:NewReleaseMessage xmlns:ern="http://ddex.net/xml/ern/34">
<ResourceList>
 <SoundRecording>
  <SoundRecordingId><ISRC>USABC2400001</ISRC></SoundRecordingId>
  <ResourceReference>A1</ResourceReference>
  <Duration>PT3M</Duration>
  <SoundRecordingDetailsByTerritory>
   <TechnicalSoundRecordingDetails>
    <TechnicalResourceDetailsReference>T1</TechnicalResourceDetailsReference>
    <AudioCodecType UserDefinedValue="ALAC">UserDefined</AudioCodecType>
    <SamplingRate UnitOfMeasure="kHz">44.1</SamplingRate>
    <PreviewDetails><Duration>PT30S</Duration><ExpressionType>Informative</ExpressionType></PreviewDetails>
    <File><FileName>a.m4a</FileName><FilePath>res/</FilePath>
     <HashSum><HashSum>abc</HashSum><HashSumAlgorithmType>MD5</HashSumAlgorithmType></HashSum></File>
   </TechnicalSoundRecordingDetails>
  </SoundRecordingDetailsByTerritory>
 </SoundRecording>
</ResourceList>
<ReleaseList><Release><ReleaseReference>R1</ReleaseReference>
 <ReleaseResourceReferenceList><ReleaseResourceReference>A1</ReleaseResourceReference></ReleaseResourceReferenceList>
 <ReleaseType>TrackRelease</ReleaseType></Release></ReleaseList>
<DealList><ReleaseDeal><DealReleaseReference>R1</DealReleaseReference>
 <Deal><DealTerms><CommercialModelType>SubscriptionModel</CommercialModelType><Usage><UseType>Stream</UseType></Usage><TakeDown>true</TakeDown></DealTerms></Deal></ReleaseDeal></DealList>
</ern:NewReleaseMessage>"#;
        let m = read(xml.as_bytes()).unwrap();
        let r = &m.resources[0];
        assert_eq!(
            (r.kind.as_str(), r.name(), r.line),
            ("SoundRecording", "A1", 3)
        );
        assert_eq!(r.isrcs, ["USABC2400001"]);
        assert_eq!(r.duration.as_deref(), Some("PT3M"));
        let t = &r.technical[0];
        assert_eq!(t.audio_codec.as_ref().unwrap().value(), "ALAC");
        assert_eq!(
            t.sampling_rate.as_ref().unwrap().unit.as_deref(),
            Some("kHz")
        );
        assert_eq!(t.duration, None, "the preview's duration is not the file's");
        let f = &t.files[0];
        assert_eq!(f.location.as_ref().unwrap().text(), "res/a.m4a");
        assert_eq!(f.hash.as_ref().unwrap().algorithm.value(), "MD5");
        assert!(m.releases[0].is_track_release());
        assert_eq!(m.releases[0].resources[0].0, "A1");
        assert_eq!(m.deals[0].releases, ["R1"]);
        assert!(m.deals[0].deals[0].takedown);
        assert_eq!(m.deals[0].deals[0].use_types, ["Stream"]);
    }
}
