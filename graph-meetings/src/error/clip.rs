//! Bounded text for `Display` and `Debug`: whatever a server sends, an error prints a few
//! hundred characters per field.

use std::fmt::{self, Write as _};

/// Characters of one field that `Display` and `Debug` show.
pub(crate) const SHOWN: usize = 300;

/// `text`, cut to [`SHOWN`] characters with a note of the full length when longer.
pub(crate) fn clip(text: &str) -> String {
    match text.char_indices().nth(SHOWN) {
        None => text.to_string(),
        Some((end, _)) => format!("{}… ({} bytes in all)", &text[..end], text.len()),
    }
}

/// A string whose `Debug` is [`clip`]ped.
pub(crate) struct Clipped<'a>(pub(crate) &'a str);

impl fmt::Debug for Clipped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.char_indices().nth(SHOWN) {
            None => fmt::Debug::fmt(self.0, f),
            Some((end, _)) => {
                fmt::Debug::fmt(&self.0[..end], f)?;
                write!(f, "… ({} bytes in all)", self.0.len())
            }
        }
    }
}

/// Any value whose `Debug` is cut to `limit` characters (formatting stops storing past it).
pub(crate) struct ClippedDebug<'a, T: ?Sized>(pub(crate) &'a T, pub(crate) usize);

impl<T: fmt::Debug + ?Sized> fmt::Debug for ClippedDebug<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Bounded {
            kept: String,
            limit: usize,
            total: usize,
        }
        impl fmt::Write for Bounded {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                for c in s.chars() {
                    if self.total < self.limit {
                        self.kept.push(c);
                    }
                    self.total += 1;
                }
                Ok(())
            }
        }
        let mut out = Bounded {
            kept: String::new(),
            limit: self.1,
            total: 0,
        };
        write!(out, "{:?}", self.0)?;
        f.write_str(&out.kept)?;
        if out.total > out.limit {
            write!(f, "… ({} characters in all)", out.total)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        assert_eq!(clip("short"), "short");
        let long = "é".repeat(1000);
        let cut = clip(&long);
        assert!(cut.starts_with(&"é".repeat(SHOWN)));
        assert!(cut.ends_with("… (2000 bytes in all)"));
        assert_eq!(format!("{:?}", Clipped("a\"b")), r#""a\"b""#);
        let debug = format!("{:?}", Clipped(&long));
        assert!(debug.len() < 1000 && debug.ends_with("… (2000 bytes in all)"));
        let v = vec![1u8; 10_000];
        let debug = format!("{:?}", ClippedDebug(&v, 50));
        // "[" + "1, " x 9,999 + "1]": 30,000 characters, of which the first 50 are kept.
        assert_eq!(
            debug,
            format!("[{}1… (30000 characters in all)", "1, ".repeat(16))
        );
    }
}
