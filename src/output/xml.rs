//! XML text for the values ddexprobe writes into XML (JUnit reports) and
//! the one rule every XML output shares: which characters XML 1.0 allows.
//! (DDEX ERN is written through quick-xml, which escapes; this module says
//! which characters it must refuse.)

/// Whether XML 1.0 allows `c` in a document.
pub fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Replace what XML 1.0 forbids (controls other than tab, LF and CR, U+FFFE,
/// U+FFFF) by U+FFFD, escape markup with quick-xml, and keep whitespace a
/// parser would normalise as character references: in attribute values
/// tab, LF and CR, in text only CR.
fn xml_escape(s: &str, attribute: bool) -> String {
    let allowed_only: String = s
        .chars()
        .map(|c| if allowed(c) { c } else { '\u{fffd}' })
        .collect();
    let escaped = quick_xml::escape::escape(allowed_only.as_str());
    let mut out = String::with_capacity(escaped.len());
    for c in escaped.chars() {
        match c {
            '\r' => out.push_str("&#13;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

/// Escape an XML attribute value.
pub fn xml_attr(s: &str) -> String {
    xml_escape(s, true)
}

/// Escape XML character data.
pub fn xml_text(s: &str) -> String {
    xml_escape(s, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escape_hostile() {
        assert_eq!(xml_attr("&<>\"'"), "&amp;&lt;&gt;&quot;&apos;");
        assert_eq!(xml_text("&<>\"'"), "&amp;&lt;&gt;&quot;&apos;");
        assert_eq!(xml_attr("a\tb\nc\rd"), "a&#9;b&#10;c&#13;d");
        assert_eq!(xml_text("a\tb\nc\rd"), "a\tb\nc&#13;d");
        assert_eq!(
            xml_attr("\0\x01\x1b[31m\x1f\u{fffe}\u{ffff}"),
            "\u{fffd}\u{fffd}\u{fffd}[31m\u{fffd}\u{fffd}\u{fffd}"
        );
        // Allowed beyond ASCII: kept as is.
        let kept = "🎵 Björk – أغنية \u{202e}txt.wav \u{7f}\u{85}\u{fffd}";
        assert_eq!(xml_attr(kept), kept);
        assert_eq!(xml_text("]]>"), "]]&gt;");
    }
}
