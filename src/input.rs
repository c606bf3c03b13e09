//! Reading text a user hands chartgen (a spec, manifests): bounded by the bytes read, not by
//! the size a file reports (/proc files report none), UTF-8, and without the byte-order mark
//! editors on Windows start files with.

use std::io::{self, Read};

pub fn text(reader: impl Read, limit: u64) -> io::Result<String> {
    let mut bytes = Vec::new();
    reader.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::other(format!("it is larger than {limit} bytes")));
    }
    let text = String::from_utf8(bytes).map_err(|_| io::Error::other("it is not UTF-8 text"))?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_bounded_utf8_and_without_a_bom() {
        assert_eq!(text(&b"\xef\xbb\xbfa: 1"[..], 10).unwrap(), "a: 1");
        assert_eq!(
            text(&b"12345"[..], 4).unwrap_err().to_string(),
            "it is larger than 4 bytes"
        );
        assert_eq!(
            text(&b"\xff"[..], 4).unwrap_err().to_string(),
            "it is not UTF-8 text"
        );
    }
}
