//! Signed notes (`golang.org/x/mod/sumdb/note`): a text ending in `\n`, a blank line, then
//! signature lines `— <name> <base64(key id ‖ signature)>`. The signature covers the text
//! including its final `\n`. Keys are Ed25519, the only algorithm defined.

use super::error::SumdbError;
use base64::Engine;
use base64::prelude::BASE64_STANDARD;
use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest, Sha256};

const ALG_ED25519: u8 = 1;
/// More signature lines than this make a note malformed, as Go's `note.Open` rules.
const MAX_SIGNATURES: usize = 100;
const MALFORMED: &str = "malformed note";

/// The public key of a checksum database: `<name>+<key id as 8 hex digits>+<base64(0x01 ‖
/// Ed25519 public key)>`, where the key id is the first 4 bytes of
/// SHA-256(`<name>\n` ‖ 0x01 ‖ key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    id: u32,
    key: VerifyingKey,
}

impl VerifierKey {
    /// Parses a verifier key, rejecting what Go's `note.NewVerifier` rejects, with its words,
    /// and a name that is not `host[/path]` (as the go command requires of a GOSUMDB).
    pub fn parse(vkey: &str) -> Result<VerifierKey, SumdbError> {
        let fail = |message: &str| SumdbError::Key(message.to_owned());
        let (name, rest) = vkey.split_once('+').unwrap_or((vkey, ""));
        let (id_hex, key64) = rest.split_once('+').unwrap_or((rest, ""));
        let id = u32::from_str_radix(id_hex, 16)
            .ok()
            .filter(|_| id_hex.len() == 8 && id_hex.bytes().all(|b| b.is_ascii_hexdigit()));
        let key = BASE64_STANDARD.decode(key64).unwrap_or_default();
        let (Some(id), false, true) = (id, key.is_empty(), is_valid_name(name)) else {
            return Err(fail("malformed verifier id"));
        };
        if id != key_id(name, &key) {
            return Err(fail("invalid verifier hash"));
        }
        if key[0] != ALG_ED25519 {
            return Err(fail("unknown verifier algorithm"));
        }
        let key = <[u8; 32]>::try_from(&key[1..])
            .ok()
            .and_then(|bytes| VerifyingKey::from_bytes(&bytes).ok())
            .ok_or_else(|| fail("malformed verifier id"))?;
        if !is_host_path(name) {
            return Err(SumdbError::Key(format!(
                "invalid sumdb name (must be host[/path]): {name}"
            )));
        }
        Ok(VerifierKey {
            name: name.to_owned(),
            id,
            key,
        })
    }

    /// The database's name, e.g. `sum.golang.org`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id, e.g. `0x033de0ae`.
    pub fn id(&self) -> u32 {
        self.id
    }
}

/// The key id Go computes (`keyHash`): over the name, a newline and the key with its
/// algorithm byte.
fn key_id(name: &str, key: &[u8]) -> u32 {
    let digest = Sha256::new()
        .chain_update(name)
        .chain_update(b"\n")
        .chain_update(key)
        .finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// Go's rule for key names: non-empty, no Unicode space, no `+`.
fn is_valid_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(char::is_whitespace) && !name.contains('+')
}

/// A name `https://<name>` turns into a URL with nothing but a host (and port) and a path.
/// Stricter than Go's `url.Parse` round trip: host characters are limited to those of DNS
/// names and IP addresses.
fn is_host_path(name: &str) -> bool {
    let (host, path) = name.split_once('/').unwrap_or((name, ""));
    let (host, port) = host.rsplit_once(':').unwrap_or((host, ""));
    !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
        && port.bytes().all(|b| b.is_ascii_digit())
        && !name.ends_with('/')
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~$&,/:;=@".contains(&b))
}

/// Checks that `msg` is a well-formed note signed by `key` and returns its text. Signatures by
/// other keys are ignored. The error is Go's wording.
pub(crate) fn open<'a>(msg: &'a [u8], key: &VerifierKey) -> Result<&'a str, String> {
    let msg = std::str::from_utf8(msg).map_err(|_| MALFORMED)?;
    if msg.contains(|c: char| c < ' ' && c != '\n') {
        return Err(MALFORMED.into());
    }
    let split = msg.rfind("\n\n").ok_or(MALFORMED)?;
    let (text, signatures) = (&msg[..=split], &msg[split + 2..]);
    if !signatures.ends_with('\n') {
        return Err(MALFORMED.into());
    }
    let mut verified = false;
    for (count, line) in signatures.split_terminator('\n').enumerate() {
        let line = line.strip_prefix("— ").ok_or(MALFORMED)?;
        let (name, sig64) = line.split_once(' ').unwrap_or((line, ""));
        let sig = BASE64_STANDARD.decode(sig64).unwrap_or_default();
        if !is_valid_name(name) || sig.len() < 5 || count >= MAX_SIGNATURES {
            return Err(MALFORMED.into());
        }
        let id = u32::from_be_bytes([sig[0], sig[1], sig[2], sig[3]]);
        // Signatures by unknown keys, and repeats by ours, are skipped.
        if name != key.name || id != key.id || verified {
            continue;
        }
        let valid = Signature::from_slice(&sig[4..])
            .is_ok_and(|sig| key.key.verify_strict(text.as_bytes(), &sig).is_ok());
        if !valid {
            return Err(format!("invalid signature for key {name}+{id:08x}"));
        }
        verified = true;
    }
    if !verified {
        return Err("note has no verifiable signatures".into());
    }
    Ok(text)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::sumdb::SUM_GOLANG_ORG_KEY;

    /// Real signed tree heads of sum.golang.org (toolchain-proxy.md §4.1).
    pub(crate) const REAL_HEADS: [(&str, &str); 2] = [
        (
            "go.sum database tree\n28905453\nf3f8U0MoQmXkWAgAEKDtXcaI3c2y6N9+55KNSRefF/w=\n",
            "Az3grr4J9x4SApup87osjthKONInbYdbN37ZskrLF12HIbhDuxOBTzt8Z2jUKbCvxYWrw0yNgshddOzt7pZEl7aSCw8=",
        ),
        (
            "go.sum database tree\n28891140\n++pUIeKTwGvykMUkmM3AT97PwQipMT6H/p7t86E0Sp0=\n",
            "Az3grqNvOILDz7xwAKugtVFZwd+I9IyB/mHrUYzcVaS9zKsRVdRLNGLFpnAcLhyoBBkdIYEzK/+7Eu4wanYttLrPsQo=",
        ),
    ];

    fn real_note(i: usize) -> String {
        let (text, sig) = REAL_HEADS[i];
        format!("{text}\n— sum.golang.org {sig}\n")
    }

    #[test]
    fn sum_golang_org_key_parses_and_its_id_recomputes() {
        let key = VerifierKey::parse(SUM_GOLANG_ORG_KEY).unwrap();
        assert_eq!(key.name(), "sum.golang.org");
        assert_eq!(key.id(), 0x033de0ae);
        let raw = BASE64_STANDARD
            .decode("Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8")
            .unwrap();
        assert_eq!(key_id("sum.golang.org", &raw), 0x033de0ae);
    }

    #[test]
    fn bad_keys_are_rejected_with_gos_words() {
        let key = SUM_GOLANG_ORG_KEY;
        let cases = [
            ("on", "malformed verifier id"),
            (
                &key.replace("033de0ae", "033de0af"),
                "invalid verifier hash",
            ),
            (
                &key.replace("033de0ae", "+33de0ae"),
                "malformed verifier id",
            ),
            (
                &key.replace("sum.golang.org", "sum golang.org"),
                "malformed verifier id",
            ),
            (&key.replace("Ac4z", "Ac4!"), "malformed verifier id"),
            // A different name changes the key id.
            (
                &key.replace("sum.golang.org", "sum.golang.org/"),
                "invalid verifier hash",
            ),
        ];
        for (vkey, want) in cases {
            match VerifierKey::parse(vkey) {
                Err(SumdbError::Key(message)) => assert_eq!(message, want, "{vkey}"),
                other => panic!("{vkey}: {other:?}"),
            }
        }
    }

    /// Builds `<name>+<id>+<base64(alg ‖ key)>` with a correct id.
    fn vkey(name: &str, alg: u8, key: &[u8]) -> String {
        let mut raw = vec![alg];
        raw.extend_from_slice(key);
        let id = key_id(name, &raw);
        format!("{name}+{id:08x}+{}", BASE64_STANDARD.encode(raw))
    }

    #[test]
    fn keys_need_ed25519_and_a_host_path_name() {
        let public = ed25519_dalek::SigningKey::from_bytes(&[7; 32]).verifying_key();
        let ok = |name: &str| VerifierKey::parse(&vkey(name, 1, public.as_bytes()));
        assert!(ok("sumdb.test").is_ok());
        assert!(ok("example.com:8443/sumdb/go").is_ok());
        for name in [
            "example.com/",
            "/x",
            "user@example.com",
            "a?b",
            "a#b",
            "a%41b",
        ] {
            let Err(SumdbError::Key(message)) = ok(name) else {
                panic!("{name} accepted");
            };
            assert!(message.starts_with("invalid sumdb name (must be host[/path])"));
        }
        let err = VerifierKey::parse(&vkey("sumdb.test", 2, public.as_bytes())).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid checksum database key: unknown verifier algorithm"
        );
        let err = VerifierKey::parse(&vkey("sumdb.test", 1, &[1; 31])).unwrap_err();
        assert!(err.to_string().ends_with("malformed verifier id"));
    }

    #[test]
    fn real_tree_heads_verify() {
        let key = VerifierKey::parse(SUM_GOLANG_ORG_KEY).unwrap();
        for (i, (text, _)) in REAL_HEADS.iter().enumerate() {
            assert_eq!(open(real_note(i).as_bytes(), &key), Ok(*text));
        }
    }

    #[test]
    fn any_flipped_byte_fails() {
        let key = VerifierKey::parse(SUM_GOLANG_ORG_KEY).unwrap();
        for i in 0..REAL_HEADS.len() {
            let note = real_note(i).into_bytes();
            for at in 0..note.len() {
                let mut bad = note.clone();
                bad[at] ^= 1;
                assert!(open(&bad, &key).is_err(), "note {i}, byte {at} flipped");
            }
        }
    }

    #[test]
    fn note_form_rules() {
        let key = VerifierKey::parse(SUM_GOLANG_ORG_KEY).unwrap();
        let note = real_note(0);
        let (text, sig) = REAL_HEADS[0];
        let other = format!("— other.example {}\n", REAL_HEADS[1].1);
        let ours = format!("— sum.golang.org {sig}\n");
        // Unknown signers are ignored, repeats of ours too.
        assert!(open(format!("{note}{other}{ours}").as_bytes(), &key).is_ok());
        // Only unknown signers.
        let unknown = format!("{text}\n{other}");
        assert_eq!(
            open(unknown.as_bytes(), &key),
            Err("note has no verifiable signatures".into())
        );
        // A valid signature among 101 lines is still too many.
        let many = format!("{note}{}", other.repeat(100));
        assert_eq!(open(many.as_bytes(), &key), Err(MALFORMED.into()));
        let hundred = format!("{note}{}", other.repeat(99));
        assert!(open(hundred.as_bytes(), &key).is_ok());
        for bad in [
            note.trim_end().to_owned(),               // no final newline
            note.replace("\n\n", "\n"),               // no blank line
            note.replace("— ", "- "),                 // not an em dash
            note.replace("28905453", "2890\t453"),    // control character
            format!("{note}— sum.golang.org\n"),      // no signature
            format!("{note}— sum.golang.org AAAA\n"), // too short
        ] {
            assert!(open(bad.as_bytes(), &key).is_err(), "{bad:?}");
        }
        assert_eq!(open(b"\xff\n\n", &key), Err(MALFORMED.into()));
    }
}
