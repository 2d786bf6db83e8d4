//! `openjet.software.v1.Software`: app packages over the API (OpenJET's own service, used
//! by `jet deploy`), the same operations as `request system software add|delete`. The
//! upload is streamed into the device's packages store chunk by chunk (never held whole).

use std::sync::Arc;

use jet_device::op::{install_report, OpInput};
use jet_device::{authorize_op, DeviceError};
use jet_proto::openjet::software::v1 as sw;
use sw::software_server::Software;
use tonic::{Request, Response, Status, Streaming};

use super::caller;
use super::status::{classify, upload_refusal};
use crate::Shared;

pub(crate) struct SoftwareSvc {
    shared: Arc<Shared>,
}

impl SoftwareSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        SoftwareSvc { shared }
    }

    async fn receive(
        &self,
        mut stream: Streaming<sw::AddRequest>,
    ) -> Result<jet_device::packages::Installed, DeviceError> {
        let header = match stream.message().await {
            Ok(Some(sw::AddRequest {
                part: Some(sw::add_request::Part::Header(h)),
            })) => h,
            Ok(_) => {
                return Err(DeviceError::UploadInvalid {
                    field: "header",
                    reason: "the first message must be the package header".into(),
                })
            }
            Err(s) => {
                return Err(DeviceError::UploadInvalid {
                    field: "header",
                    reason: s.message().to_string(),
                })
            }
        };
        let packages = self.shared.device.packages();
        let mut upload = packages
            .begin_upload(&header.file_name, header.size, &header.sha256)
            .await?;
        loop {
            match stream.message().await {
                Ok(Some(sw::AddRequest {
                    part: Some(sw::add_request::Part::Chunk(bytes)),
                })) => upload.write(&bytes).await?,
                Ok(None) => break,
                Ok(Some(_)) => {
                    return Err(DeviceError::UploadInvalid {
                        field: "chunk",
                        reason: "a second header or an empty message after the header".into(),
                    })
                }
                Err(s) => {
                    return Err(DeviceError::UploadInvalid {
                        field: "chunk",
                        reason: format!(
                            "stream failed after {} bytes: {}",
                            upload.received(),
                            s.message()
                        ),
                    })
                }
            }
        }
        upload.finish().await
    }
}

#[tonic::async_trait]
impl Software for SoftwareSvc {
    async fn add(
        &self,
        req: Request<Streaming<sw::AddRequest>>,
    ) -> Result<Response<sw::AddResponse>, Status> {
        let c = caller(&req)?;
        let refused = |error| sw::AddResponse {
            error,
            ..Default::default()
        };
        if let Err(e) = authorize_op(c.login.class, OpInput::Cli("request system software add")) {
            return Ok(Response::new(refused(classify(e)?)));
        }
        let reply = match self.receive(req.into_inner()).await {
            Ok(i) => sw::AddResponse {
                ok: true,
                output: install_report(&i).join("\n") + "\n",
                error: String::new(),
                name: i.manifest.name.clone(),
                version: i.manifest.version.clone(),
                app_dir: i.link.display().to_string(),
                upgraded_from: i.upgraded_from.clone().unwrap_or_default(),
            },
            Err(e) => refused(upload_refusal(e)?),
        };
        Ok(Response::new(reply))
    }

    async fn delete(
        &self,
        req: Request<sw::DeleteRequest>,
    ) -> Result<Response<sw::DeleteResponse>, Status> {
        let c = caller(&req)?;
        let name = req.into_inner().name;
        let r = match authorize_op(
            c.login.class,
            OpInput::Cli("request system software delete"),
        ) {
            Ok(()) => self.shared.device.packages().delete(&name).await,
            Err(e) => Err(e),
        };
        let reply = match r {
            Ok(version) => sw::DeleteResponse {
                ok: true,
                output: format!("Package {name} version {version} removed\n"),
                error: String::new(),
            },
            Err(e) => sw::DeleteResponse {
                ok: false,
                output: String::new(),
                error: classify(e)?,
            },
        };
        Ok(Response::new(reply))
    }

    async fn list(
        &self,
        _req: Request<sw::ListRequest>,
    ) -> Result<Response<sw::ListResponse>, Status> {
        let set = self.shared.device.packages().current();
        let packages = set
            .packages
            .iter()
            .map(|(name, p)| sw::InstalledPackage {
                name: name.clone(),
                version: p.manifest.version.clone(),
                provider: p.manifest.provider.clone(),
                previous: p.previous.clone().unwrap_or_default(),
                app_dir: p.dir.display().to_string(),
                permissions: p.manifest.permissions.clone(),
            })
            .collect();
        Ok(Response::new(sw::ListResponse { packages }))
    }
}
