use jet_sdk::OutputFormat;
use jet_testkit::TestDevice;

use crate::text;

const CONFIG: &str = "interfaces { ge-0/0/0 { unit 0 { family inet { address 192.0.2.1/24; } } } \
                      ge-0/0/1 { unit 0 { family inet { address 198.51.100.1/24; } } } }";

#[tokio::test]
async fn match_is_a_case_insensitive_regex_and_count_counts_lines() {
    let dev = TestDevice::with_config(CONFIG).await;
    let c = dev.admin("pipes").await;
    assert_eq!(
        text(&c, "show interfaces terse | match \"GE-0/0/[01]\\.0\"").await,
        "ge-0/0/0.0              up    up   inet     192.0.2.1/24\n\
         ge-0/0/1.0              up    up   inet     198.51.100.1/24\n"
    );
    assert_eq!(
        text(&c, "show interfaces terse | match ge | count").await,
        "Count: 12 lines\n"
    );
    assert_eq!(
        text(&c, "show interfaces terse | except ge- | except Interface").await,
        "fxp0                    up    up\nlo0                     up    up\n"
    );
    assert_eq!(
        text(&c, "show interfaces terse | last 2").await,
        "fxp0                    up    up\nlo0                     up    up\n"
    );
    assert_eq!(
        text(&c, "show interfaces terse | match \"fxp0|lo0\" | no-more").await,
        "fxp0                    up    up\nlo0                     up    up\n"
    );
}

#[tokio::test]
async fn filters_apply_to_rendered_xml_too() {
    let dev = TestDevice::with_config(CONFIG).await;
    let c = dev.admin("pipes").await;
    let out = c
        .op_command(
            "show interfaces terse | display xml | match ifa-local",
            OutputFormat::Text,
        )
        .await
        .expect("runs");
    assert_eq!(
        out,
        "                        <ifa-local junos:emit=\"emit\">192.0.2.1/24</ifa-local>\n\
         \x20                       <ifa-local junos:emit=\"emit\">198.51.100.1/24</ifa-local>\n"
    );
    let n = c
        .op_command("show version | count", OutputFormat::Json)
        .await
        .expect("runs");
    assert!(n.starts_with("Count: ") && n.ends_with(" lines\n"), "{n}");
}

#[tokio::test]
async fn bad_pipes_are_syntax_errors() {
    let dev = TestDevice::start().await;
    let c = dev.admin("pipes").await;
    for bad in [
        "show version | match",
        "show version | match \"[\"",
        "show version | last zero",
        "show version | match \"unbalanced",
        "show version | frobnicate",
    ] {
        let e = c.op_command(bad, OutputFormat::Text).await.expect_err(bad);
        assert!(e.to_string().contains("syntax error"), "{bad}: {e}");
    }
}
