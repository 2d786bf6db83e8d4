//! Registered APIs (`jnx.jet.registration.Registration/ApiRegister`): an app tells jsd
//! which gRPC services it implements and where its server listens; jsd then forwards
//! clients' calls of those services to it.
//!
//! ```text
//!  ApiRegister (jsd svc/registration.rs), later the legacy registration.Register
//!     │  RegistrationsHandle::register(RegisterRequest, served)
//!     │    parse + check the JSON (spec.rs; json_file read on a blocking thread)
//!     ▼  RegRequest over REG_QUEUE (bounded) + oneshot reply
//!  registrations task ── the only writer: limits, conflicts with other ids,
//!     │                   DATA/japi/<id>.json written (tmp + rename), then published
//!     └─► watch<Arc<RegistrySet>>  what jsd routes: path → registration (gate.rs, the
//!                                  proxy, reflection, VersionDiscovery read it)
//! ```
//!
//! Registrations are durable: they survive the registering session and jetd restarts
//! (the files are re-read at start; a bad file is skipped with a warning). Registering
//! again with the same `id` replaces the previous registration and its file.
//!
//! Device-side API for other front ends (the legacy `registration.Register` service):
//! build a [`RegisterRequest`] (`api`, `target`, `id`, `skip_authentication`, `by`) and
//! call [`RegistrationsHandle::register`] with the service names jsd serves itself;
//! refusals are [`RegistrationError`] whose message names the bad element.

mod error;
mod spec;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use jet_config::LoginClass;
use tokio::sync::{mpsc, oneshot, watch};
use tokio_util::task::AbortOnDropHandle;

pub use error::RegistrationError;
pub use spec::{
    check_id, parse_api, ApiSource, ApiSpec, RegisterRequest, RpcSpec, ServiceSpec, Target,
    MAX_JSON_BYTES, MAX_REGISTRATIONS, MAX_RPCS, MAX_SERVICES,
};

/// Requests waiting for the registrations task.
const REG_QUEUE: usize = 16;

/// One registration, as stored and served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// Registration id (file `DATA/japi/<id>.json`).
    pub id: String,
    /// The services and RPCs.
    pub api: ApiSpec,
    /// Where calls go.
    pub target: Target,
    /// `target` as given.
    pub target_text: String,
    /// Clients on TLS may call without Login.
    pub skip_authentication: bool,
    /// Logical system of the target, as given.
    pub logical_system: String,
    /// Routing instance of the target, as given.
    pub routing_instance: String,
    /// When it was registered.
    pub registered: DateTime<Utc>,
    /// Who registered it (`user` / `app`).
    pub by: String,
}

/// Where one registered method goes.
#[derive(Debug, Clone)]
pub struct Route {
    /// The registration.
    pub registration: Arc<Registration>,
    /// Index of the service in `registration.api.services`.
    pub service: usize,
    /// Index of the RPC in that service.
    pub rpc: usize,
}

impl Route {
    /// The RPC.
    pub fn rpc(&self) -> &RpcSpec {
        &self.registration.api.services[self.service].rpcs[self.rpc]
    }
}

/// Every registration, and the index jsd routes by.
#[derive(Debug, Clone, Default)]
pub struct RegistrySet {
    /// By id.
    pub by_id: BTreeMap<String, Arc<Registration>>,
    by_path: HashMap<String, Route>,
    by_service: HashMap<String, Arc<Registration>>,
}

impl RegistrySet {
    fn build(by_id: BTreeMap<String, Arc<Registration>>) -> RegistrySet {
        let mut by_path = HashMap::new();
        let mut by_service = HashMap::new();
        for reg in by_id.values() {
            for (si, s) in reg.api.services.iter().enumerate() {
                by_service.insert(s.name.clone(), reg.clone());
                for (ri, r) in s.rpcs.iter().enumerate() {
                    by_path.insert(
                        format!("/{}/{}", s.name, r.name),
                        Route {
                            registration: reg.clone(),
                            service: si,
                            rpc: ri,
                        },
                    );
                }
            }
        }
        RegistrySet {
            by_id,
            by_path,
            by_service,
        }
    }

    /// The registration serving the gRPC path `/pkg.Service/Rpc`.
    pub fn route(&self, path: &str) -> Option<&Route> {
        self.by_path.get(path)
    }

    /// The registration serving the service `pkg.Service`.
    pub fn service(&self, name: &str) -> Option<&Arc<Registration>> {
        self.by_service.get(name)
    }

    /// Every registered service with its registration, by registration id then JSON order.
    pub fn services(&self) -> impl Iterator<Item = (&Arc<Registration>, &ServiceSpec)> {
        self.by_id
            .values()
            .flat_map(|r| r.api.services.iter().map(move |s| (r, s)))
    }
}

/// How a login class ranks for the registered RPCs' `class`.
pub fn class_allows(have: LoginClass, need: LoginClass) -> bool {
    fn rank(c: LoginClass) -> u8 {
        match c {
            LoginClass::ReadOnly => 0,
            LoginClass::Operator => 1,
            LoginClass::SuperUser => 2,
        }
    }
    rank(have) >= rank(need)
}

enum RegRequest {
    Register {
        reg: Registration,
        served: Vec<String>,
        reply: oneshot::Sender<Result<Arc<Registration>, RegistrationError>>,
    },
    Remove {
        id: String,
        reply: oneshot::Sender<Result<bool, RegistrationError>>,
    },
}

/// The handle to the registrations task. Cheap to clone.
#[derive(Clone)]
pub struct RegistrationsHandle {
    tx: mpsc::Sender<RegRequest>,
    set: watch::Receiver<Arc<RegistrySet>>,
    _task: Arc<AbortOnDropHandle<()>>,
}

impl std::fmt::Debug for RegistrationsHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistrationsHandle").finish()
    }
}

/// `DATA/japi`.
pub fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join("japi")
}

impl RegistrationsHandle {
    /// Reads `DATA/japi/*.json` and starts the task.
    pub(crate) async fn start(data_dir: &Path) -> RegistrationsHandle {
        let dir = dir(data_dir);
        let d = dir.clone();
        let by_id = tokio::task::spawn_blocking(move || load_all(&d))
            .await
            .unwrap_or_default();
        let (set_tx, set) = watch::channel(Arc::new(RegistrySet::build(by_id.clone())));
        let (tx, rx) = mpsc::channel(REG_QUEUE);
        let task = Task {
            dir,
            by_id,
            set: set_tx,
        };
        RegistrationsHandle {
            tx,
            set,
            _task: Arc::new(AbortOnDropHandle::new(tokio::spawn(task.run(rx)))),
        }
    }

    /// Checks `req` and registers it (replacing a registration with the same id).
    /// `served` are the fully-qualified services jsd serves itself: they cannot be
    /// registered.
    pub async fn register(
        &self,
        req: RegisterRequest,
        served: Vec<String>,
    ) -> Result<Arc<Registration>, RegistrationError> {
        check_id(&req.id)?;
        let target = Target::parse(&req.target)?;
        let text = match req.api {
            ApiSource::Inline(t) if t.is_empty() => {
                return Err(RegistrationError::Invalid {
                    field: "json_string".into(),
                    reason: "is empty (give json_string or json_file)".into(),
                })
            }
            ApiSource::Inline(t) => t,
            ApiSource::File(path) => read_json_file(path).await?,
        };
        let api = parse_api(&text)?;
        let reg = Registration {
            id: req.id,
            api,
            target,
            target_text: req.target,
            skip_authentication: req.skip_authentication,
            logical_system: req.logical_system,
            routing_instance: req.routing_instance,
            registered: Utc::now(),
            by: req.by,
        };
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(RegRequest::Register { reg, served, reply })
            .await
            .map_err(|_| RegistrationError::ShuttingDown)?;
        rx.await.map_err(|_| RegistrationError::ShuttingDown)?
    }

    /// Removes registration `id` and its file; false when there was none.
    pub async fn remove(&self, id: &str) -> Result<bool, RegistrationError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(RegRequest::Remove {
                id: id.to_string(),
                reply,
            })
            .await
            .map_err(|_| RegistrationError::ShuttingDown)?;
        rx.await.map_err(|_| RegistrationError::ShuttingDown)?
    }

    /// What is registered now.
    pub fn current(&self) -> Arc<RegistrySet> {
        self.set.borrow().clone()
    }

    /// A receiver that sees every change.
    pub fn watch(&self) -> watch::Receiver<Arc<RegistrySet>> {
        self.set.clone()
    }
}

async fn read_json_file(path: PathBuf) -> Result<String, RegistrationError> {
    if !path.is_absolute() {
        return Err(RegistrationError::Invalid {
            field: "json_file".into(),
            reason: format!("'{}' is not an absolute path", path.display()),
        });
    }
    tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let file = std::fs::File::open(&path).map_err(|source| RegistrationError::File {
            path: path.clone(),
            source,
        })?;
        let mut text = String::new();
        file.take(MAX_JSON_BYTES as u64 + 1)
            .read_to_string(&mut text)
            .map_err(|source| RegistrationError::File {
                path: path.clone(),
                source,
            })?;
        Ok(text)
    })
    .await
    .map_err(|_| RegistrationError::ShuttingDown)?
}

struct Task {
    dir: PathBuf,
    by_id: BTreeMap<String, Arc<Registration>>,
    set: watch::Sender<Arc<RegistrySet>>,
}

impl Task {
    async fn run(mut self, mut rx: mpsc::Receiver<RegRequest>) {
        while let Some(req) = rx.recv().await {
            match req {
                RegRequest::Register { reg, served, reply } => {
                    let r = self.register(reg, &served).await;
                    let _ = reply.send(r);
                }
                RegRequest::Remove { id, reply } => {
                    let r = self.remove(&id).await;
                    let _ = reply.send(r);
                }
            }
        }
    }

    fn check(&self, reg: &Registration, served: &[String]) -> Result<(), RegistrationError> {
        if !self.by_id.contains_key(&reg.id) && self.by_id.len() >= MAX_REGISTRATIONS {
            return Err(RegistrationError::TooMany {
                id: reg.id.clone(),
                max: MAX_REGISTRATIONS,
            });
        }
        for s in &reg.api.services {
            if served.contains(&s.name) {
                return Err(RegistrationError::Conflict {
                    service: s.name.clone(),
                    owner: "jsd".into(),
                });
            }
            for other in self.by_id.values().filter(|o| o.id != reg.id) {
                if other.api.services.iter().any(|o| o.name == s.name) {
                    return Err(RegistrationError::Conflict {
                        service: s.name.clone(),
                        owner: format!("registration '{}'", other.id),
                    });
                }
            }
        }
        Ok(())
    }

    async fn register(
        &mut self,
        reg: Registration,
        served: &[String],
    ) -> Result<Arc<Registration>, RegistrationError> {
        self.check(&reg, served)?;
        let text = stored_json(&reg).to_string();
        let dir = self.dir.clone();
        let id = reg.id.clone();
        tokio::task::spawn_blocking(move || write_file(&dir, &id, &text))
            .await
            .map_err(|_| RegistrationError::ShuttingDown)?
            .map_err(|source| RegistrationError::Store {
                id: reg.id.clone(),
                source,
            })?;
        let reg = Arc::new(reg);
        self.by_id.insert(reg.id.clone(), reg.clone());
        self.publish();
        tracing::info!(id = %reg.id, target = %reg.target_text, "API registered");
        Ok(reg)
    }

    async fn remove(&mut self, id: &str) -> Result<bool, RegistrationError> {
        if self.by_id.remove(id).is_none() {
            return Ok(false);
        }
        let path = self.dir.join(format!("{id}.json"));
        let _ = tokio::task::spawn_blocking(move || std::fs::remove_file(path)).await;
        self.publish();
        Ok(true)
    }

    fn publish(&self) {
        self.set
            .send_replace(Arc::new(RegistrySet::build(self.by_id.clone())));
    }
}

fn write_file(dir: &Path, id: &str, text: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".{id}.json.tmp"));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, dir.join(format!("{id}.json")))
}

/// The stored form of a registration (`DATA/japi/<id>.json`).
fn stored_json(r: &Registration) -> serde_json::Value {
    serde_json::json!({
        "id": r.id,
        "target": r.target_text,
        "skip_authentication": r.skip_authentication,
        "logical_system": r.logical_system,
        "routing_instance": r.routing_instance,
        "registered": r.registered.to_rfc3339(),
        "by": r.by,
        "api": spec::api_json(&r.api),
    })
}

fn from_stored(text: &str) -> Result<Registration, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let s = |k: &str| {
        v.get(k)
            .and_then(|x| x.as_str())
            .map(str::to_string)
            .ok_or_else(|| format!("'{k}' missing"))
    };
    let id = s("id")?;
    check_id(&id).map_err(|e| e.to_string())?;
    let target_text = s("target")?;
    let target = Target::parse(&target_text).map_err(|e| e.to_string())?;
    let api =
        parse_api(&v.get("api").ok_or("'api' missing")?.to_string()).map_err(|e| e.to_string())?;
    Ok(Registration {
        id,
        api,
        target,
        target_text,
        skip_authentication: v
            .get("skip_authentication")
            .and_then(|x| x.as_bool())
            .unwrap_or(false),
        logical_system: s("logical_system").unwrap_or_default(),
        routing_instance: s("routing_instance").unwrap_or_default(),
        registered: s("registered")
            .ok()
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map_or_else(Utc::now, |t| t.with_timezone(&Utc)),
        by: s("by").unwrap_or_default(),
    })
}

fn load_all(dir: &Path) -> BTreeMap<String, Arc<Registration>> {
    let mut out = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let path = e.path();
        let Some(stem) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".json"))
        else {
            continue;
        };
        if stem.starts_with('.') {
            continue;
        }
        let reg = std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|t| from_stored(&t))
            .and_then(|r| {
                if r.id == stem {
                    Ok(r)
                } else {
                    Err(format!("holds id '{}'", r.id))
                }
            });
        match reg {
            Ok(r) => {
                out.insert(r.id.clone(), Arc::new(r));
            }
            Err(e) => {
                tracing::warn!(file = %path.display(), error = %e, "API registration skipped")
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(id: &str, service: &str) -> RegisterRequest {
        RegisterRequest {
            api: ApiSource::Inline(format!(
                r#"{{"services":[{{"name":"{service}","rpcs":["Say",{{"name":"Watch","server_streaming":true}}]}}]}}"#
            )),
            target: "127.0.0.1:50051".into(),
            id: id.into(),
            by: "admin".into(),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn registrations_are_durable_replaced_by_id_and_conflicts_refused() {
        let dir = tempfile::tempdir().unwrap();
        let h = RegistrationsHandle::start(dir.path()).await;
        h.register(req("echo", "acme.v1.Echo"), vec![])
            .await
            .unwrap();
        let set = h.current();
        let route = set.route("/acme.v1.Echo/Watch").expect("routed");
        assert!(route.rpc().server_streaming);
        assert!(set.route("/acme.v1.Echo/Nope").is_none());

        // Another id may not take the same service; jsd's own services are refused.
        let e = h
            .register(req("other", "acme.v1.Echo"), vec![])
            .await
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "services: 'acme.v1.Echo' is already served by registration 'echo'"
        );
        let e = h
            .register(
                req("x", "jnx.jet.routing.rib.Rib"),
                vec!["jnx.jet.routing.rib.Rib".into()],
            )
            .await
            .unwrap_err();
        assert!(e.to_string().contains("already served by jsd"));

        // Same id replaces: the old service is gone.
        h.register(req("echo", "acme.v2.Echo"), vec![])
            .await
            .unwrap();
        let set = h.current();
        assert!(set.route("/acme.v1.Echo/Say").is_none());
        assert!(set.route("/acme.v2.Echo/Say").is_some());
        assert!(dir.path().join("japi/echo.json").is_file());

        // A restart re-reads the files; a broken file is skipped.
        std::fs::write(dir.path().join("japi/broken.json"), "{").unwrap();
        drop(h);
        let h = RegistrationsHandle::start(dir.path()).await;
        let set = h.current();
        assert_eq!(set.by_id.keys().collect::<Vec<_>>(), vec!["echo"]);
        assert_eq!(set.by_id["echo"].target_text, "127.0.0.1:50051");
        assert!(
            set.route("/acme.v2.Echo/Watch")
                .unwrap()
                .rpc()
                .server_streaming
        );
        assert!(h.remove("echo").await.unwrap());
        assert!(!dir.path().join("japi/echo.json").exists());
        assert!(h.current().by_id.is_empty());
    }

    #[tokio::test]
    async fn bad_requests_leave_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let h = RegistrationsHandle::start(dir.path()).await;
        let mut r = req("../evil", "a.B");
        assert!(h
            .register(r.clone(), vec![])
            .await
            .unwrap_err()
            .to_string()
            .starts_with("id: "));
        r.id = "ok".into();
        r.target = "nowhere".into();
        assert!(h
            .register(r.clone(), vec![])
            .await
            .unwrap_err()
            .to_string()
            .starts_with("target: "));
        r.target = "unix:/tmp/x.sock".into();
        r.api = ApiSource::File("relative.json".into());
        assert!(h
            .register(r.clone(), vec![])
            .await
            .unwrap_err()
            .to_string()
            .contains("json_file"));
        r.api = ApiSource::File(dir.path().join("missing.json"));
        assert!(h
            .register(r.clone(), vec![])
            .await
            .unwrap_err()
            .to_string()
            .contains("cannot read"));
        assert!(h.current().by_id.is_empty());
        assert!(!dir.path().join("japi").exists());
        // From a file.
        let f = dir.path().join("api.json");
        std::fs::write(&f, r#"{"services":[{"name":"a.B","rpcs":["C"]}]}"#).unwrap();
        r.api = ApiSource::File(f);
        h.register(r, vec![]).await.unwrap();
        assert!(h.current().route("/a.B/C").is_some());
    }
}
