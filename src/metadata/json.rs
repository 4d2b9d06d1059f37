//! Reading metadata JSON the way people write it: a UTF-8 byte order mark
//! is accepted, and a key given twice in one object (which JSON parsers
//! silently resolve as last-wins, dropping the earlier value or, for a
//! repeated group, every field of the earlier group) is reported.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::fmt;

/// A parsed document and the dotted paths of the keys it repeats.
pub struct Parsed {
    /// The document, last-wins for repeated keys.
    pub value: Value,
    /// Each repeated key, as the keys leading to it (`["ddexMetadata",
    /// "title"]`), in document order.
    pub duplicates: Vec<Vec<String>>,
}

/// Parse `text` (with or without a leading byte order mark).
pub fn parse(text: &str) -> Result<Parsed, serde_json::Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let duplicates = RefCell::new(Vec::new());
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Checked {
        path: Vec::new(),
        duplicates: &duplicates,
    }
    .deserialize(&mut de)?;
    de.end()?;
    Ok(Parsed {
        value,
        duplicates: duplicates.into_inner(),
    })
}

/// The warning for a repeated key.
pub fn duplicate_warning(path: &str) -> String {
    format!(
        "key '{path}' appears more than once: only the last is used and the earlier \
         one's values are ignored; merge them into one"
    )
}

struct Checked<'a> {
    path: Vec<String>,
    duplicates: &'a RefCell<Vec<Vec<String>>>,
}

impl<'de> DeserializeSeed<'de> for Checked<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Checked<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Checked {
            path: self.path.clone(),
            duplicates: self.duplicates,
        })? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let mut path = self.path.clone();
            path.push(key.clone());
            let value = map.next_value_seed(Checked {
                path: path.clone(),
                duplicates: self.duplicates,
            })?;
            if out.insert(key, value).is_some() {
                self.duplicates.borrow_mut().push(path);
            }
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_value_as_serde_json() {
        let text =
            r#"{"a": [1, -2, 3.5, "x", null, true], "b": {"c": {}}, "n": 18446744073709551615}"#;
        let p = parse(text).unwrap();
        assert_eq!(p.value, serde_json::from_str::<Value>(text).unwrap());
        assert!(p.duplicates.is_empty());
    }

    #[test]
    fn repeated_keys_are_listed_with_their_path() {
        let p = parse(
            r#"{"ddexMetadata": {"title": "A", "title": "B"},
                "ddexMetadata": {"displayArtist": "X"}}"#,
        )
        .unwrap();
        assert_eq!(
            p.duplicates,
            [vec!["ddexMetadata", "title"], vec!["ddexMetadata"]]
        );
        assert_eq!(p.value["ddexMetadata"]["displayArtist"], "X");
    }

    #[test]
    fn a_byte_order_mark_is_accepted_and_errors_keep_their_position() {
        assert!(parse("\u{feff}{\"a\": 1}").is_ok());
        let e = parse("{\n  \"a\": }").err().unwrap();
        assert_eq!((e.line(), e.column()), (2, 8));
        assert!(parse("{} trailing").is_err());
    }
}
