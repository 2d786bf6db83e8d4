//! `openjet.software.v1.Software` (the upload RPC `jet deploy` uses): streamed, checked
//! against its header, size-limited before any data is stored.

use jet_proto::openjet::software::v1 as sw;
use sw::software_client::SoftwareClient;
use tonic::Code;

use crate::Dev;

fn header(name: &str, size: u64, sha256: &str) -> sw::AddRequest {
    sw::AddRequest {
        part: Some(sw::add_request::Part::Header(sw::PackageHeader {
            file_name: name.into(),
            size,
            sha256: sha256.into(),
        })),
    }
}

fn chunks(bytes: &[u8]) -> Vec<sw::AddRequest> {
    bytes
        .chunks(64 << 10)
        .map(|c| sw::AddRequest {
            part: Some(sw::add_request::Part::Chunk(c.to_vec())),
        })
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    let mut h = jet_pkg::Sha256::default();
    h.update(bytes);
    h.finish_hex()
}

#[tokio::test]
async fn upload_installs_and_bad_uploads_are_refused_naming_the_field() {
    let dev = Dev::new();
    let d = dev.device().await;
    let c = d.admin("deploy").await;
    let mut sw_client = SoftwareClient::new(c.channel());
    let pkg = dev.package("hello", "1.0.0", "sleep 30\n");
    let bytes = std::fs::read(&pkg).expect("read");
    let sha = sha256_hex(&bytes);

    // Over the limit: refused from the header alone.
    let huge = jet_device::packages::MAX_UPLOAD + 1;
    let e = sw_client
        .add(futures::stream::iter(vec![header("big.tgz", huge, &sha)]))
        .await
        .expect_err("too large");
    assert_eq!(e.code(), Code::ResourceExhausted);
    assert!(e.message().contains("header.size"), "{}", e.message());

    // Data that does not match the header's SHA-256.
    let mut msgs = vec![header("hello.tgz", bytes.len() as u64, &"0".repeat(64))];
    msgs.extend(chunks(&bytes));
    let e = sw_client
        .add(futures::stream::iter(msgs))
        .await
        .expect_err("checksum");
    assert_eq!(e.code(), Code::InvalidArgument);
    assert!(e.message().contains("header.sha256"), "{}", e.message());

    // More data than announced.
    let mut msgs = vec![header("hello.tgz", 10, &sha)];
    msgs.extend(chunks(&bytes));
    let e = sw_client
        .add(futures::stream::iter(msgs))
        .await
        .expect_err("overrun");
    assert_eq!(e.code(), Code::InvalidArgument);
    assert!(e.message().contains("chunk"), "{}", e.message());

    // No header.
    let e = sw_client
        .add(futures::stream::iter(chunks(&bytes)))
        .await
        .expect_err("no header");
    assert_eq!(e.code(), Code::InvalidArgument);
    assert!(e.message().contains("header"), "{}", e.message());
    assert!(!d.dir.path().join("packages/hello").exists());

    // A good upload.
    let mut msgs = vec![header("hello-1.0.0.tgz", bytes.len() as u64, &sha)];
    msgs.extend(chunks(&bytes));
    let r = sw_client
        .add(futures::stream::iter(msgs))
        .await
        .expect("uploads")
        .into_inner();
    assert!(r.ok, "{}", r.error);
    assert_eq!((r.name.as_str(), r.version.as_str()), ("hello", "1.0.0"));
    assert!(
        r.output.contains("Package hello 1.0.0 installed"),
        "{}",
        r.output
    );
    assert!(std::path::Path::new(&r.app_dir).join("main.sh").is_file());
    let uploads = d.dir.path().join("packages/.uploads");
    assert_eq!(
        std::fs::read_dir(&uploads).map(|d| d.count()).unwrap_or(0),
        0,
        "upload files removed"
    );

    // A package that fails its checks is a refusal in the reply.
    let mut again = vec![header("hello-1.0.0.tgz", bytes.len() as u64, &sha)];
    again.extend(chunks(&bytes));
    let r = sw_client
        .add(futures::stream::iter(again))
        .await
        .expect("reply")
        .into_inner();
    assert!(!r.ok);
    assert!(r.error.contains("already installed"), "{}", r.error);

    let list = sw_client
        .list(sw::ListRequest {})
        .await
        .expect("list")
        .into_inner();
    assert_eq!(list.packages.len(), 1);
    assert_eq!(list.packages[0].provider, "acme");
    assert_eq!(
        list.packages[0].permissions,
        ["jnx.jet.management.Management/OpCommandGet"]
    );
    let r = sw_client
        .delete(sw::DeleteRequest {
            name: "hello".into(),
        })
        .await
        .expect("delete")
        .into_inner();
    assert!(r.ok, "{}", r.error);
}
