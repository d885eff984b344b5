//! `gvx doctor --ci`: the JSON pre-check a CI job gates on, failing on each broken item.

use super::Machine;

fn statuses(run: &super::Run) -> Vec<(String, String)> {
    let report: serde_json::Value = serde_json::from_str(&run.out)
        .unwrap_or_else(|e| panic!("doctor --ci printed no JSON ({e}):\n{}", run.out));
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                c["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn failed(run: &super::Run) -> Vec<String> {
    statuses(run)
        .into_iter()
        .filter(|(_, s)| s == "fail")
        .map(|(id, _)| id)
        .collect()
}

#[test]
fn a_good_runner_passes_and_each_broken_item_fails() {
    let machine = Machine::new();
    let good = machine.doctor(&["--ci"]);
    good.code(0);
    let ids: Vec<String> = statuses(&good).into_iter().map(|(id, _)| id).collect();
    assert_eq!(
        ids,
        ["go-runs", "path", "goroot", "gopath", "gobin", "go-dirs"],
        "{}",
        good.out
    );
    assert!(failed(&good).is_empty(), "{}", good.out);

    // Another Go ahead of the shims.
    machine.fake_sdk("/usr/local/go", "1.21.5");
    machine.set_path(&["/usr/local/go/bin"]);
    let run = machine.doctor(&["--ci"]);
    run.code(1);
    assert_eq!(failed(&run), ["go-runs", "path"], "{}", run.out);
    machine.set_path(&[]);

    // GOPATH inside the gvx store: `go install` would write into it.
    let inside = machine.home.gvx_home().join("gopath");
    machine.set_env("GOPATH", &inside.display().to_string());
    let run = machine.doctor(&["--ci"]);
    run.code(1);
    assert!(failed(&run).contains(&"gopath".to_owned()), "{}", run.out);
    machine.set_env("GOPATH", &machine.path("~/go").display().to_string());

    // A build cache Go cannot use.
    machine.set_env("GOCACHE", "off");
    let run = machine.doctor(&["--ci"]);
    run.code(1);
    assert_eq!(failed(&run), ["go-dirs"], "{}", run.out);
}
