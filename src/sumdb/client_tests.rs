//! Lookups against the in-memory database of `testdb.rs`.

use super::*;
use crate::sumdb::testdb::{Server, TestDb, sign};
use ed25519_dalek::SigningKey;
use std::path::Path;

fn client(server: &Server, state: &Path) -> Client<Server> {
    let vkey = server.0.borrow().db.vkey();
    Client::new(
        VerifierKey::parse(&vkey).unwrap(),
        server.clone(),
        state.to_owned(),
    )
}

fn lookup(client: &Client<Server>, id: u64) -> Result<Found, SumdbError> {
    client.lookup(&format!("example.com/m{id}"), "v1.0.0")
}

fn latest(state: &Path) -> Option<String> {
    fs::read_to_string(state.join("latest")).ok()
}

fn security(result: Result<Found, SumdbError>) -> String {
    match result {
        Err(SumdbError::Security(message)) => message,
        other => panic!("want a security error, got {other:?}"),
    }
}

fn lookup_path(id: u64) -> String {
    format!("lookup/example.com/m{id}@v1.0.0")
}

#[test]
fn lookups_are_proven_in_full_and_partial_tiles() {
    for size in [1, 256, 257, 701, 70000] {
        let db = TestDb::new(1, "", size);
        let (tree, note) = (db.tree(size), db.note(size));
        let ids = [0, 5, size / 2, size.saturating_sub(2), size - 1];
        let records: Vec<(u64, String)> = ids
            .into_iter()
            .filter(|&id| id < size)
            .map(|id| (id, db.record(id).to_owned()))
            .collect();
        let server = Server::new(db, size);
        let state = tempfile::tempdir().unwrap();
        let client = client(&server, state.path());
        for (id, record) in records {
            let found = lookup(&client, id).unwrap();
            let want: Vec<&str> = record.lines().collect();
            assert_eq!(found.record_id, id);
            assert_eq!(found.tree_size, size);
            assert_eq!(found.tree_hash, BASE64_STANDARD.encode(tree.hash));
            assert_eq!(found.lines, want);
            assert_eq!(found.zip_hash(), want[0].split(' ').nth(2));
        }
        assert_eq!(latest(state.path()), Some(note));
    }
}

#[test]
fn fetches_the_tiles_go_fetches_and_reuses_proven_ones() {
    let server = Server::new(TestDb::new(1, "", 701), 701);
    let state = tempfile::tempdir().unwrap();
    let client = client(&server, state.path());
    lookup(&client, 700).unwrap();
    assert_eq!(
        server.take_log(),
        [&lookup_path(700), "tile/8/1/000.p/2", "tile/8/0/002.p/189"]
    );
    lookup(&client, 5).unwrap();
    assert_eq!(server.take_log(), [&lookup_path(5), "tile/8/0/000"]);
}

#[test]
fn latest_moves_forward_only_along_one_history() {
    let db = TestDb::new(1, "", 70000);
    let (small, big) = (db.note(701), db.note(70000));
    let server = Server::new(db, 701);
    let state = tempfile::tempdir().unwrap();
    lookup(&client(&server, state.path()), 700).unwrap();
    assert_eq!(latest(state.path()).as_ref(), Some(&small));

    server.0.borrow_mut().size = 70000;
    let found = lookup(&client(&server, state.path()), 69999).unwrap();
    assert_eq!(found.tree_size, 70000);
    assert_eq!(latest(state.path()).as_ref(), Some(&big));

    // An older tree is checked against the remembered one, which it does not replace; the
    // record is proven in the remembered tree.
    server.0.borrow_mut().size = 701;
    let found = lookup(&client(&server, state.path()), 5).unwrap();
    assert_eq!(found.tree_size, 70000);
    assert_eq!(latest(state.path()).as_ref(), Some(&big));
}

/// Remembers database A at 701 records, then asks `evil` (same key, other records).
fn fork(evil_size: u64, served: u64, fresh_client: bool) -> (String, String, String) {
    let honest = TestDb::new(1, "", 701);
    let old = honest.note(701);
    let server = Server::new(honest, 701);
    let state = tempfile::tempdir().unwrap();
    let first = client(&server, state.path());
    lookup(&first, 5).unwrap();
    lookup(&first, 300).unwrap();
    let evil = TestDb::new(1, "evil", evil_size);
    let new = evil.note(served);
    server.0.borrow_mut().db = evil;
    server.0.borrow_mut().size = served;
    let result = if fresh_client {
        lookup(&client(&server, state.path()), 5)
    } else {
        lookup(&first, 5)
    };
    let message = security(result);
    assert_eq!(latest(state.path()).as_ref(), Some(&old), "latest changed");
    (message, old, new)
}

fn assert_reports_fork(message: &str, older: &str, newer: &str) {
    let indent = |note: &str| note.replace('\n', "\n\t");
    let want = format!(
        "SECURITY ERROR\ngo.sum database server misbehavior detected!\n\n\
         old database:\n\t{}\nnew database:\n\t{}\nproof of misbehavior:\n\t",
        indent(older),
        indent(newer)
    );
    assert!(message.starts_with(&want), "{message}");
}

#[test]
fn a_fork_of_the_same_size_is_reported_with_both_notes() {
    let (message, old, new) = fork(701, 701, true);
    assert_reports_fork(&message, &new, &old);
}

#[test]
fn a_bigger_tree_that_does_not_extend_latest_is_reported() {
    let (message, old, new) = fork(900, 900, true);
    assert_reports_fork(&message, &old, &new);
}

#[test]
fn a_smaller_tree_that_is_not_a_prefix_is_reported() {
    // With the remembered tree's tiles at hand, the fork is proven outright...
    let (message, old, new) = fork(900, 500, false);
    assert_reports_fork(&message, &new, &old);
    // ...otherwise the server's tiles do not match the remembered root.
    let (message, _, _) = fork(900, 500, true);
    assert_eq!(
        message,
        "checking tree#500 against tree#701: downloaded inconsistent tile"
    );
}

/// Flips bit 0 of byte `at` of the signature (after the 4-byte key id) in a lookup body.
fn flip_signature(at: usize) -> impl Fn(&mut Vec<u8>) {
    move |body| {
        let text = String::from_utf8(body.clone()).unwrap();
        let (head, sig) = text.trim_end().rsplit_once(' ').unwrap();
        let mut sig = BASE64_STANDARD.decode(sig).unwrap();
        sig[at] ^= 1;
        *body = format!("{head} {}\n", BASE64_STANDARD.encode(sig)).into_bytes();
    }
}

#[test]
fn notes_must_be_signed_by_the_key() {
    let server = Server::new(TestDb::new(1, "", 300), 300);
    let state = tempfile::tempdir().unwrap();
    server.edit(&lookup_path(1), flip_signature(4 + 10));
    server.edit(&lookup_path(2), flip_signature(0));
    let client = client(&server, state.path());
    let message = security(lookup(&client, 1));
    let vkey = server.0.borrow().db.vkey();
    let key_id = &vkey[..vkey.rfind('+').unwrap()];
    assert!(
        message.starts_with(&format!(
            "reading tree note: invalid signature for key {key_id}\n"
        )),
        "{message}"
    );
    let message = security(lookup(&client, 2));
    assert!(message.starts_with("reading tree note: note has no verifiable signatures\nnote:\n"));

    let stranger = TestDb::new(9, "", 1);
    let other = Client::new(
        VerifierKey::parse(&stranger.vkey()).unwrap(),
        server.clone(),
        state.path().to_owned(),
    );
    let message = security(lookup(&other, 3));
    assert!(message.starts_with("reading tree note: note has no verifiable signatures"));
    assert_eq!(latest(state.path()), None);
}

#[test]
fn records_past_the_tree_are_refused() {
    let server = Server::new(TestDb::new(1, "", 900), 701);
    let state = tempfile::tempdir().unwrap();
    let message = security(lookup(&client(&server, state.path()), 800));
    assert_eq!(message, "cannot validate record 800 in tree of size 701");
}

#[test]
fn tampered_tiles_are_refused() {
    // A tile holding part of the root, and a full tile proven by its parent tile.
    for (id, path, at) in [(700, "tile/8/0/002.p/189", 100), (5, "tile/8/0/000", 0)] {
        let server = Server::new(TestDb::new(1, "", 701), 701);
        server.edit(path, move |data| data[at] ^= 1);
        let state = tempfile::tempdir().unwrap();
        let message = security(lookup(&client(&server, state.path()), id));
        assert_eq!(message, "downloaded inconsistent tile", "{path}");
    }
}

#[test]
fn a_forged_record_with_a_matching_leaf_is_refused() {
    // The server forges record 5 and puts its hash into the full tile holding record 5, which
    // only its parent tile can expose.
    let server = Server::new(TestDb::new(1, "", 701), 701);
    let forged = "example.com/m5 v1.0.0 h1:forged\n";
    let forged_hash = record_hash(forged.as_bytes());
    server.edit(&lookup_path(5), move |body| {
        let text = String::from_utf8(body.clone()).unwrap();
        let note = &text[text.find("\n\n").unwrap() + 2..];
        *body = format!("5\n{forged}\n{note}").into_bytes();
    });
    server.edit("tile/8/0/000", move |data| {
        data[5 * 32..6 * 32].copy_from_slice(&forged_hash);
    });
    let state = tempfile::tempdir().unwrap();
    let message = security(lookup(&client(&server, state.path()), 5));
    assert_eq!(message, "downloaded inconsistent tile");
}

#[test]
fn altered_record_text_is_refused() {
    let server = Server::new(TestDb::new(1, "", 701), 701);
    server.edit(&lookup_path(5), |body| {
        let at = body.windows(3).position(|w| w == b"h1:").unwrap() + 3;
        body[at] = if body[at] == b'A' { b'B' } else { b'A' };
    });
    let state = tempfile::tempdir().unwrap();
    let message = security(lookup(&client(&server, state.path()), 5));
    assert_eq!(
        message,
        "cannot authenticate record data in server response"
    );
}

#[test]
fn malformed_answers_are_refused() {
    let server = Server::new(TestDb::new(1, "", 10), 10);
    server.edit(&lookup_path(1), |body| {
        *body = b"<html>hello</html>".to_vec()
    });
    server.edit(&lookup_path(2), |body| body.truncate(body.len() - 20));
    server.edit(&lookup_path(3), |body| {
        let text = String::from_utf8(body.clone()).unwrap();
        let key = SigningKey::from_bytes(&[1; 32]);
        let record = &text[..text.find("\n\n").unwrap() + 2];
        *body = format!("{record}{}", sign(&key, "go.sum database tree\n10\n")).into_bytes();
    });
    server.edit(&lookup_path(4), |body| {
        let text = String::from_utf8(body.clone()).unwrap();
        let record = &text[..text.find("\n\n").unwrap() + 2];
        *body = format!("{record}\x1b[31mred\n\n— x\n").into_bytes();
    });
    let state = tempfile::tempdir().unwrap();
    let client = client(&server, state.path());
    assert_eq!(security(lookup(&client, 1)), "malformed record data");
    let message = security(lookup(&client, 2));
    assert!(
        message.starts_with("reading tree note: malformed note\n"),
        "{message}"
    );
    let message = security(lookup(&client, 3));
    assert!(
        message.starts_with("reading tree: malformed tree note\n"),
        "{message}"
    );
    let message = security(lookup(&client, 4));
    assert!(
        message.ends_with("\nnote:\n\u{fffd}[31mred\n\n— x\n"),
        "{message:?}"
    );
}

#[test]
fn missing_records_and_transport_failures_are_not_security_errors() {
    let server = Server::new(TestDb::new(1, "", 701), 701);
    server.edit(&lookup_path(4), |body| {
        *body = b"not found: example.com/m4".to_vec()
    });
    {
        let mut served = server.0.borrow_mut();
        served.broken.push(lookup_path(1));
        served.broken.push("tile/8/0/000".into());
        served.missing.push("tile/8/1/000.p/2".into());
    }
    let state = tempfile::tempdir().unwrap();
    let client = client(&server, state.path());
    let not_found = |result| matches!(result, Err(SumdbError::NotFound { .. }));
    assert!(not_found(lookup(&client, 5000)));
    assert!(not_found(lookup(&client, 4)));
    assert!(not_found(client.lookup("example.com/a b", "v1.0.0")));
    assert!(not_found(client.lookup("example.com/m1", "v1.0.0/../x")));
    let Err(SumdbError::Network(e)) = lookup(&client, 1) else {
        panic!()
    };
    assert_eq!(
        e.to_string(),
        "cannot fetch https://sumdb.test/lookup/example.com/m1@v1.0.0"
    );
    let Err(SumdbError::Network(e)) = lookup(&client, 700) else {
        panic!()
    };
    assert_eq!(
        e.to_string(),
        "the checksum database has no tile/8/1/000.p/2"
    );
    server.0.borrow_mut().missing.clear();
    let Err(SumdbError::Network(e)) = lookup(&client, 5) else {
        panic!()
    };
    assert!(e.to_string().ends_with("/tile/8/0/000"));
}

#[test]
fn a_missing_partial_tile_is_cut_from_the_full_one() {
    let server = Server::new(TestDb::new(1, "", 600), 300);
    server
        .0
        .borrow_mut()
        .missing
        .push("tile/8/0/001.p/44".into());
    let state = tempfile::tempdir().unwrap();
    lookup(&client(&server, state.path()), 100).unwrap();
    let log = server.take_log();
    assert!(log.iter().any(|p| p == "tile/8/0/001"), "{log:?}");
}

#[test]
fn the_real_lookup_verifies_up_to_the_tiles() {
    struct Real;
    impl Fetch for Real {
        fn fetch(&self, path: &str) -> Result<Option<Vec<u8>>, FetchError> {
            let lookup = "lookup/golang.org/toolchain@v0.0.1-go1.21.9.linux-amd64";
            Ok((path == lookup).then(|| crate::sumdb::tlog::tests::REAL_LOOKUP.into()))
        }
    }
    let key = VerifierKey::parse(crate::sumdb::SUM_GOLANG_ORG_KEY).unwrap();
    let state = tempfile::tempdir().unwrap();
    let client = Client::new(key, Real, state.path().to_owned());
    let result = client.lookup("golang.org/toolchain", "v0.0.1-go1.21.9.linux-amd64");
    let Err(SumdbError::Network(e)) = result else {
        panic!("{result:?}")
    };
    assert!(
        e.to_string()
            .starts_with("the checksum database has no tile/8/")
    );
    let real = crate::sumdb::tlog::tests::REAL_LOOKUP;
    let note = &real[real.find("\n\n").unwrap() + 2..];
    assert_eq!(latest(state.path()).as_deref(), Some(note));
}

#[test]
fn latest_is_swapped_only_from_the_expected_content() {
    let server = Server::new(TestDb::new(1, "", 1), 1);
    let state = tempfile::tempdir().unwrap();
    let client = client(&server, &state.path().join("new"));
    assert!(client.swap_latest(b"", b"one").unwrap());
    assert!(!client.swap_latest(b"zero", b"two").unwrap());
    assert_eq!(latest(&state.path().join("new")).unwrap(), "one");
    assert!(client.swap_latest(b"one", b"two").unwrap());
    assert_eq!(latest(&state.path().join("new")).unwrap(), "two");
}

#[test]
fn state_problems_name_the_path() {
    let server = Server::new(TestDb::new(1, "", 3), 3);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    fs::write(&file, "").unwrap();
    let Err(SumdbError::State { path, .. }) = lookup(&client(&server, &file.join("s")), 1) else {
        panic!()
    };
    assert!(path.starts_with(file.join("s")), "{}", path.display());

    fs::write(dir.path().join("latest"), "go.sum database tree\n3\n").unwrap();
    let err = lookup(&client(&server, dir.path()), 1).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "cannot verify the remembered tree in {}",
            dir.path().join("latest").display()
        )
    );
}

#[test]
fn escaping_and_zip_hash() {
    assert_eq!(
        escape("github.com/Azure/Go", "v1.0.0-RC+incompatible").as_deref(),
        Some("github.com/!azure/!go@v1.0.0-!r!c+incompatible")
    );
    for (path, version) in [
        ("", "v1"),
        ("a//b", "v1"),
        ("a/../b", "v1"),
        ("a", ""),
        ("é", "v1"),
        ("a", "v!1"),
    ] {
        assert_eq!(escape(path, version), None, "{path}@{version}");
    }
    let found = Found {
        record_id: 0,
        tree_size: 1,
        tree_hash: String::new(),
        lines: vec![
            "golang.org/toolchain v0.0.1-go1.21.9.linux-amd64/go.mod h1:8wlg=".into(),
            "golang.org/toolchain v0.0.1-go1.21.9.linux-amd64 h1:rRL9=".into(),
        ],
    };
    assert_eq!(found.zip_hash(), Some("h1:rRL9="));
    assert_eq!(
        Found {
            lines: vec![found.lines[0].clone()],
            ..found
        }
        .zip_hash(),
        None
    );
}
