//! The older generation's dcd services (package `interface`): `InterfacesService`
//! (Create/Delete of interfaces, units, families, addresses and static ARP/NDP entries),
//! `AttrQueryService`, `ObjectQueryService`, `TimeoutService` and `PublicIflService`,
//! over the same interface objects, ownership and purge as `jnx.jet.interfaces`
//! (`jet_device::ifd::api`, the device's interfaces task):
//!
//! ```text
//!  interface.InterfacesService/InterfaceXCreate ─► IfKey + attributes ─► IfApiOp::Add
//!  .../InterfaceXDelete ─► IfApiOp::Delete      setClientTimeout ─► IfApiOp::SetPurgeTime
//!  isObjectOwner / isPublicIfl ─► IfApiOp::UnitPermissions (units), ApiState (owners)
//!  InterfacesQueryAttribute ─► IfApiOp::Get ─► the requested attributes
//! ```
//!
//! Replies carry a `ret_status` and an `error_message` (this generation has a message
//! field), and echo `client_ctx` and `request_id`. Sub-codes map by meaning
//! (`svc/status.rs` `legacy_interfaces_status`): NOT_OWNER, NO_PORT_NAME, NO_IFL_UNIT,
//! NO_IFF_FAMILY, NO_IP_ADDR, NO_ARP_ADDR, NO_ARP_MAC, OBJECT_NOT_FOUND, else FAILURE.
//!
//! Choices where the IDL is silent: `tagging` and `encap` (whose 0 values are
//! VLAN_TAGGING and VLAN_BRIDGE, the proto3 defaults) and a unit's `status` are not
//! settable through the API on this device and are ignored; non-empty `lr_name`,
//! `bd_name` or `ri_name` are refused (FAILURE naming the field); `operation` is ignored
//! (the RPC says what to do); families are INTF_AF_INET (2) and INTF_AF_INET6 (28).

use std::net::IpAddr;
use std::sync::Arc;

use jet_device::ifd::api::{FamilyKind, IfApiOp, IfApiReply, IfKey, IfObject};
use jet_proto::interface as lg;
use lg::RetStatus;
use tonic::{Request, Response, Status};

use super::caller;
use super::status::legacy_interfaces_status;
use crate::Shared;

pub(crate) struct LegacyInterfacesSvc {
    shared: Arc<Shared>,
}

impl LegacyInterfacesSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        LegacyInterfacesSvc { shared }
    }

    async fn run<T>(
        &self,
        req: &Request<T>,
        op: IfApiOp,
    ) -> Result<Result<IfApiReply, (RetStatus, String)>, Status> {
        let who = caller(req)?;
        let out = self
            .shared
            .device
            .interfaces_api(&who.client_key(), who.session, op)
            .await;
        match out {
            Ok(r) => Ok(Ok(r)),
            Err(e) => legacy_interfaces_status(e).map(Err),
        }
    }

    /// Create (Add) or Delete of one object.
    async fn change<T>(
        &self,
        req: &Request<T>,
        obj: Result<IfObject, (RetStatus, String)>,
        create: bool,
        ctx: (i32, i64),
    ) -> Result<Response<lg::ConfigResp>, Status> {
        let out = match obj {
            Ok(o) => {
                let op = if create {
                    IfApiOp::Add(o)
                } else {
                    IfApiOp::Delete(o)
                };
                self.run(req, op).await?.map(|_| ())
            }
            Err(e) => Err(e),
        };
        let (status, error_message) = match out {
            Ok(()) => (RetStatus::Success, String::new()),
            Err(e) => e,
        };
        Ok(Response::new(lg::ConfigResp {
            status: status as i32,
            error_message,
            client_ctx: ctx.0,
            request_id: ctx.1,
        }))
    }
}

type Refusal = (RetStatus, String);

fn port(p: &str) -> Result<String, Refusal> {
    if p.trim().is_empty() {
        return Err((RetStatus::NoPortName, "port_name is required".into()));
    }
    Ok(p.to_owned())
}

fn unit(u: Option<&lg::Value32>) -> Result<u32, Refusal> {
    let u = u.ok_or((RetStatus::NoIflUnit, "ifl_unit is required".to_owned()))?;
    u32::try_from(u.unit).map_err(|_| {
        (
            RetStatus::Failure,
            format!("ifl_unit {} is not a unit number", u.unit),
        )
    })
}

fn family(f: i32) -> Result<FamilyKind, Refusal> {
    match lg::FamilyType::try_from(f) {
        Ok(lg::FamilyType::IntfAfInet) => Ok(FamilyKind::Inet),
        Ok(lg::FamilyType::IntfAfInet6) => Ok(FamilyKind::Inet6),
        Ok(lg::FamilyType::IntfAfUnknown) => Err((
            RetStatus::NoIffFamily,
            "family is required (INTF_AF_INET or INTF_AF_INET6)".into(),
        )),
        Err(_) => Err((
            RetStatus::Failure,
            format!("family {f} is not INTF_AF_INET (2) or INTF_AF_INET6 (28)"),
        )),
    }
}

/// An address: text `A` or `A/L` (when `prefix`), or 4/16 bytes.
fn ip(
    a: Option<&lg::IpAddress>,
    field: &str,
    missing: RetStatus,
    prefix: bool,
) -> Result<(IpAddr, Option<u8>), Refusal> {
    use lg::ip_address::AddrFormat;
    let bad = |v: &str| {
        (
            RetStatus::Failure,
            format!("{field}: '{v}' is not an IPv4 or IPv6 address"),
        )
    };
    match a.and_then(|a| a.addr_format.as_ref()) {
        None => Err((missing, format!("{field} is required"))),
        Some(AddrFormat::AddrString(s)) if s.trim().is_empty() => {
            Err((missing, format!("{field} is required")))
        }
        Some(AddrFormat::AddrString(s)) => {
            let (addr, len) = match s.split_once('/') {
                Some((a, l)) if prefix => (a, Some(l.parse::<u8>().map_err(|_| bad(s))?)),
                Some(_) => return Err(bad(s)),
                None => (s.as_str(), None),
            };
            Ok((addr.trim().parse().map_err(|_| bad(s))?, len))
        }
        Some(AddrFormat::AddrBytes(b)) => match b.len() {
            4 => <[u8; 4]>::try_from(b.as_slice())
                .map(|x| (IpAddr::from(x), None))
                .map_err(|_| bad("4 bytes")),
            16 => <[u8; 16]>::try_from(b.as_slice())
                .map(|x| (IpAddr::from(x), None))
                .map_err(|_| bad("16 bytes")),
            n => Err(bad(&format!("{n} bytes"))),
        },
    }
}

/// The fields of a request that name an object, deepest last.
#[derive(Default)]
struct Fields<'a> {
    port: &'a str,
    unit: Option<&'a lg::Value32>,
    family: Option<i32>,
    address: Option<&'a lg::IpAddress>,
    arp: Option<&'a lg::IpAddress>,
}

/// How deep a request's key goes.
#[derive(Clone, Copy, PartialEq)]
enum Level {
    Interface,
    Unit,
    Family,
    Address,
    Arp,
}

fn key(f: &Fields<'_>, level: Level) -> Result<IfKey, Refusal> {
    let port = port(f.port)?;
    if level == Level::Interface {
        return Ok(IfKey::Interface { port });
    }
    let unit = unit(f.unit)?;
    if level == Level::Unit {
        return Ok(IfKey::Unit { port, unit });
    }
    let family = family(f.family.unwrap_or(0))?;
    if level == Level::Family {
        return Ok(IfKey::Family { port, unit, family });
    }
    let (address, prefix_len) = ip(f.address, "interface_address", RetStatus::NoIpAddr, true)?;
    if level == Level::Address {
        return Ok(IfKey::Address {
            port,
            unit,
            family,
            address,
            prefix_len,
        });
    }
    let (neighbor, _) = ip(f.arp, "arp_address", RetStatus::NoArpAddr, false)?;
    Ok(IfKey::Arp {
        port,
        unit,
        family,
        address,
        neighbor,
    })
}

fn object(
    f: &Fields<'_>,
    level: Level,
    strings: &[lg::StringAttr],
    integers: &[lg::IntegerAttr],
) -> Result<IfObject, Refusal> {
    let mut o = IfObject::new(key(f, level)?);
    o.strings = strings
        .iter()
        .map(|a| (a.attr_name.clone(), a.attr_value.clone()))
        .collect();
    for a in integers {
        let v = u32::try_from(a.attr_value).map_err(|_| {
            (
                RetStatus::Failure,
                format!(
                    "integer_attr_list: {} {} is negative",
                    a.attr_name, a.attr_value
                ),
            )
        })?;
        o.integers.push((a.attr_name.clone(), v));
    }
    Ok(o)
}

fn logical_fields(r: &lg::InterfaceLogicalConfig) -> Result<Fields<'_>, Refusal> {
    for (field, v, why) in [
        ("lr_name", &r.lr_name, "logical systems"),
        ("bd_name", &r.bd_name, "bridge domains"),
        (
            "ri_name",
            &r.ri_name,
            "routing instances set through the API",
        ),
    ] {
        if !v.is_empty() {
            return Err((
                RetStatus::Failure,
                format!("{field} '{v}': this device has no {why}"),
            ));
        }
    }
    Ok(Fields {
        port: &r.port_name,
        unit: r.ifl_unit.as_ref(),
        ..Fields::default()
    })
}

fn interface_object(r: &lg::InterfaceConfig) -> Result<IfObject, Refusal> {
    let f = Fields {
        port: &r.port_name,
        ..Fields::default()
    };
    let mut o = object(
        &f,
        Level::Interface,
        &r.string_attr_list,
        &r.integer_attr_list,
    )?;
    if !r.aggregate_members.is_empty() {
        o.members = Some(r.aggregate_members.clone());
    }
    Ok(o)
}

fn logical_object(r: &lg::InterfaceLogicalConfig) -> Result<IfObject, Refusal> {
    let f = logical_fields(r)?;
    object(&f, Level::Unit, &r.string_attr_list, &r.integer_attr_list)
}

fn family_object(r: &lg::InterfaceFamilyConfig) -> Result<IfObject, Refusal> {
    let f = Fields {
        port: &r.port_name,
        unit: r.ifl_unit.as_ref(),
        family: Some(r.family),
        ..Fields::default()
    };
    object(&f, Level::Family, &r.string_attr_list, &r.integer_attr_list)
}

fn address_object(r: &lg::InterfaceAddressConfig) -> Result<IfObject, Refusal> {
    let f = Fields {
        port: &r.port_name,
        unit: r.ifl_unit.as_ref(),
        family: Some(r.family),
        address: r.interface_address.as_ref(),
        ..Fields::default()
    };
    object(
        &f,
        Level::Address,
        &r.string_attr_list,
        &r.integer_attr_list,
    )
}

fn arp_object(r: &lg::RtConfig) -> Result<IfObject, Refusal> {
    let f = Fields {
        port: &r.port_name,
        unit: r.ifl_unit.as_ref(),
        family: Some(r.family),
        address: r.interface_address.as_ref(),
        arp: r.arp_address.as_ref(),
    };
    object(&f, Level::Arp, &r.string_attr_list, &r.integer_attr_list)
}

#[tonic::async_trait]
impl lg::interfaces_service_server::InterfacesService for LegacyInterfacesSvc {
    async fn interface_create(
        &self,
        req: Request<lg::InterfaceConfig>,
    ) -> Result<Response<lg::ConfigResp>, Status> {
        let r = req.get_ref();
        let (o, ctx) = (interface_object(r), (r.client_ctx, r.request_id));
        self.change(&req, o, true, ctx).await
    }

    async fn interface_delete(
        &self,
        req: Request<lg::InterfaceConfig>,
    ) -> Result<Response<lg::ConfigResp>, Status> {
        let r = req.get_ref();
        let (o, ctx) = (interface_object(r), (r.client_ctx, r.request_id));
        self.change(&req, o, false, ctx).await
    }

    async fn interface_logical_create(
        &self,
        req: Request<lg::InterfaceLogicalConfig>,
    ) -> Result<Response<lg::ConfigResp>, Status> {
        let r = req.get_ref();
        let (o, ctx) = (logical_object(r), (r.client_ctx, r.request_id));
        self.change(&req, o, true, ctx).await
    }

    async fn interface_logical_delete(
        &self,
        req: Request<lg::InterfaceLogicalConfig>,
    ) -> Result<Response<lg::ConfigResp>, Status> {
        let r = req.get_ref();
        let (o, ctx) = (logical_object(r), (r.client_ctx, r.request_id));
        self.change(&req, o, false, ctx).await
    }

    async fn interface_family_create(
        &self,
        req: Request<lg::InterfaceFamilyConfig>,
    ) -> Result<Response<lg::ConfigResp>, Status> {
        let r = req.get_ref();
        let (o, ctx) = (family_object(r), (r.client_ctx, r.request_id));
        self.change(&req, o, true, ctx).await
    }

    async fn interface_family_delete(
        &self,
        req: Request<lg::InterfaceFamilyConfig>,
    ) -> Result<Response<lg::ConfigResp>, Status> {
        let r = req.get_ref();
        let (o, ctx) = (family_object(r), (r.client_ctx, r.request_id));
        self.change(&req, o, false, ctx).await
    }

    async fn interface_address_create(
        &self,
        req: Request<lg::InterfaceAddressConfig>,
    ) -> Result<Response<lg::ConfigResp>, Status> {
        let r = req.get_ref();
        let (o, ctx) = (address_object(r), (r.client_ctx, r.request_id));
        self.change(&req, o, true, ctx).await
    }

    async fn interface_address_delete(
        &self,
        req: Request<lg::InterfaceAddressConfig>,
    ) -> Result<Response<lg::ConfigResp>, Status> {
        let r = req.get_ref();
        let (o, ctx) = (address_object(r), (r.client_ctx, r.request_id));
        self.change(&req, o, false, ctx).await
    }

    async fn interface_rt_address_create(
        &self,
        req: Request<lg::RtConfig>,
    ) -> Result<Response<lg::ConfigResp>, Status> {
        let r = req.get_ref();
        let (o, ctx) = (arp_object(r), (r.client_ctx, r.request_id));
        self.change(&req, o, true, ctx).await
    }

    async fn interface_rt_address_delete(
        &self,
        req: Request<lg::RtConfig>,
    ) -> Result<Response<lg::ConfigResp>, Status> {
        let r = req.get_ref();
        let (o, ctx) = (arp_object(r), (r.client_ctx, r.request_id));
        self.change(&req, o, false, ctx).await
    }
}

#[tonic::async_trait]
impl lg::timeout_service_server::TimeoutService for LegacyInterfacesSvc {
    async fn set_client_timeout(
        &self,
        req: Request<lg::TimeoutInfo>,
    ) -> Result<Response<lg::TimeoutResp>, Status> {
        let t = req.get_ref().timeout;
        let out = match u32::try_from(t) {
            Ok(secs) => self
                .run(&req, IfApiOp::SetPurgeTime(Some(secs)))
                .await?
                .map(|_| ()),
            Err(_) => Err((
                RetStatus::Failure,
                format!("timeout {t} is negative (seconds)"),
            )),
        };
        let (status, error_message) = match out {
            Ok(()) => (RetStatus::Success, String::new()),
            Err(e) => e,
        };
        Ok(Response::new(lg::TimeoutResp {
            status: status as i32,
            error_message,
        }))
    }
}

impl LegacyInterfacesSvc {
    /// Who owns the unit `port.unit`: the caller, another client (named), or the
    /// configuration.
    async fn unit_owner<T>(
        &self,
        req: &Request<T>,
        port: String,
        unit: u32,
    ) -> Result<Result<jet_device::ifd::api::UnitPermissions, Refusal>, Status> {
        Ok(self
            .run(req, IfApiOp::UnitPermissions { port, unit })
            .await?
            .and_then(|r| match r {
                IfApiReply::Permissions(p) => Ok(p),
                _ => Err((RetStatus::Failure, "unexpected reply".into())),
            }))
    }
}

#[tonic::async_trait]
impl lg::object_query_service_server::ObjectQueryService for LegacyInterfacesSvc {
    async fn is_object_owner(
        &self,
        req: Request<lg::ObjectOwnershipQuery>,
    ) -> Result<Response<lg::ObjectOwnershipResp>, Status> {
        let r = req.get_ref();
        let ctx = (r.client_ctx, r.request_id);
        let f = Fields {
            port: &r.port_name,
            unit: r.ifl_unit.as_ref(),
            family: Some(r.family),
            address: r.interface_address.as_ref(),
            arp: r.arp_address.as_ref(),
        };
        let level = if r.arp_address.is_some() {
            Level::Arp
        } else if r.interface_address.is_some() {
            Level::Address
        } else if r.family != 0 {
            Level::Family
        } else if r.ifl_unit.is_some() {
            Level::Unit
        } else {
            Level::Interface
        };
        let me = caller(&req)?.client_key();
        let out: Result<(RetStatus, String), Refusal> = match key(&f, level) {
            Err(e) => Err(e),
            Ok(IfKey::Unit { port, unit }) => self.unit_owner(&req, port, unit).await?.map(|p| {
                if p.is_owner {
                    (RetStatus::Owner, String::new())
                } else if p.client_created_unit {
                    (
                        RetStatus::NotOwner,
                        format!("owned by client '{}'", p.client_name),
                    )
                } else {
                    (
                        RetStatus::ObjectCliOwner,
                        "created by the configuration".into(),
                    )
                }
            }),
            Ok(k) => {
                let port = k.port().to_owned();
                match self.run(&req, IfApiOp::Get(k)).await? {
                    Err(e) => Err(e),
                    Ok(_) => {
                        let state = self
                            .shared
                            .device
                            .interfaces_api_state()
                            .await
                            .map_err(|e| Status::unavailable(e.to_string()))?;
                        Ok(match state.trees.get(&port) {
                            Some(t) if t.owner == me => (RetStatus::Owner, String::new()),
                            Some(t) => (
                                RetStatus::NotOwner,
                                format!("owned by client '{}'", t.owner),
                            ),
                            None => (
                                RetStatus::ObjectCliOwner,
                                "created by the configuration".into(),
                            ),
                        })
                    }
                }
            }
        };
        let (status, error_message) = out.unwrap_or_else(|e| e);
        Ok(Response::new(lg::ObjectOwnershipResp {
            status: status as i32,
            error_message,
            client_ctx: ctx.0,
            request_id: ctx.1,
        }))
    }
}

#[tonic::async_trait]
impl lg::public_ifl_service_server::PublicIflService for LegacyInterfacesSvc {
    /// SUCCESS for a unit created by the configuration (public: any client may add
    /// families, addresses and ARP entries under it), FAILURE for one a client created
    /// (the message names it), OBJECT_NOT_FOUND when there is none.
    async fn is_public_ifl(
        &self,
        req: Request<lg::InterfaceLogicalConfig>,
    ) -> Result<Response<lg::PublicIflResp>, Status> {
        let r = req.get_ref();
        let ctx = (r.client_ctx, r.request_id);
        let f = Fields {
            port: &r.port_name,
            unit: r.ifl_unit.as_ref(),
            ..Fields::default()
        };
        let out = match key(&f, Level::Unit) {
            Ok(IfKey::Unit { port, unit }) => self.unit_owner(&req, port, unit).await?,
            Ok(_) => Err((RetStatus::Failure, "unit key expected".into())),
            Err(e) => Err(e),
        };
        let (status, error_message) = match out {
            Ok(p) if !p.client_created_unit => (RetStatus::Success, String::new()),
            Ok(p) => (
                RetStatus::Failure,
                format!("created by client '{}', not public", p.client_name),
            ),
            Err(e) => e,
        };
        Ok(Response::new(lg::PublicIflResp {
            status: status as i32,
            error_message,
            client_ctx: ctx.0,
            request_id: ctx.1,
        }))
    }
}

#[tonic::async_trait]
impl lg::attr_query_service_server::AttrQueryService for LegacyInterfacesSvc {
    /// The attributes named in the request (all the object has when it names none):
    /// ATTRIBUTE_FOUND when every one asked for is set, ATTRIBUTE_NOT_FOUND (with those
    /// that are) otherwise, OBJECT_NOT_FOUND when the object does not exist.
    async fn interfaces_query_attribute(
        &self,
        req: Request<lg::AttributeRequestInfo>,
    ) -> Result<Response<lg::AttributeResponseInfo>, Status> {
        let r = req.get_ref();
        let ctx = (r.client_ctx, r.request_id);
        let f = Fields {
            port: &r.port_name,
            unit: r.ifl_unit.as_ref(),
            family: Some(r.family),
            address: r.interface_address.as_ref(),
            arp: r.arp_address.as_ref(),
        };
        let level = if r.arp_address.is_some() {
            Level::Arp
        } else if r.interface_address.is_some() {
            Level::Address
        } else if r.family != 0 {
            Level::Family
        } else if r.ifl_unit.is_some() {
            Level::Unit
        } else {
            Level::Interface
        };
        let mut reply = lg::AttributeResponseInfo {
            status: RetStatus::Success as i32,
            error_message: String::new(),
            string_attr_list: Vec::new(),
            integer_attr_list: Vec::new(),
            client_ctx: ctx.0,
            request_id: ctx.1,
        };
        let got = match key(&f, level) {
            Ok(k) => self.run(&req, IfApiOp::Get(k)).await?,
            Err(e) => Err(e),
        };
        let obj = match got {
            Ok(IfApiReply::Object(o)) => o,
            Ok(_) => {
                reply.status = RetStatus::Failure as i32;
                reply.error_message = "unexpected reply".into();
                return Ok(Response::new(reply));
            }
            Err((s, m)) => {
                reply.status = s as i32;
                reply.error_message = m;
                return Ok(Response::new(reply));
            }
        };
        let want_s: Vec<&str> = r
            .string_attr_list
            .iter()
            .map(|a| a.attr_name.as_str())
            .collect();
        let want_i: Vec<&str> = r
            .integer_attr_list
            .iter()
            .map(|a| a.attr_name.as_str())
            .collect();
        let all = want_s.is_empty() && want_i.is_empty();
        let mut missing = Vec::new();
        if all {
            reply.string_attr_list = obj
                .strings
                .iter()
                .map(|(k, v)| lg::StringAttr {
                    attr_name: k.clone(),
                    attr_value: v.clone(),
                })
                .collect();
            reply.integer_attr_list = obj
                .integers
                .iter()
                .map(|(k, v)| lg::IntegerAttr {
                    attr_name: k.clone(),
                    attr_value: i32::try_from(*v).unwrap_or(i32::MAX),
                })
                .collect();
        } else {
            for n in want_s {
                match obj.string(n) {
                    Some(v) => reply.string_attr_list.push(lg::StringAttr {
                        attr_name: n.to_owned(),
                        attr_value: v.to_owned(),
                    }),
                    None => missing.push(n.to_owned()),
                }
            }
            for n in want_i {
                match obj.integer(n) {
                    Some(v) => reply.integer_attr_list.push(lg::IntegerAttr {
                        attr_name: n.to_owned(),
                        attr_value: i32::try_from(v).unwrap_or(i32::MAX),
                    }),
                    None => missing.push(n.to_owned()),
                }
            }
        }
        let found = !reply.string_attr_list.is_empty() || !reply.integer_attr_list.is_empty();
        if missing.is_empty() && found {
            reply.status = RetStatus::AttributeFound as i32;
        } else {
            reply.status = RetStatus::AttributeNotFound as i32;
            reply.error_message = if missing.is_empty() {
                format!("{} has no attributes set", obj.key)
            } else {
                format!("{} has no {}", obj.key, missing.join(", "))
            };
        }
        Ok(Response::new(reply))
    }
}

/// The same service registered under each of its five names.
pub(crate) fn add_services(b: &mut tonic::service::RoutesBuilder, shared: &Arc<Shared>) {
    let svc = Arc::new(LegacyInterfacesSvc::new(shared.clone()));
    b.add_service(lg::interfaces_service_server::InterfacesServiceServer::from_arc(svc.clone()));
    b.add_service(lg::attr_query_service_server::AttrQueryServiceServer::from_arc(svc.clone()));
    b.add_service(lg::object_query_service_server::ObjectQueryServiceServer::from_arc(svc.clone()));
    b.add_service(lg::timeout_service_server::TimeoutServiceServer::from_arc(
        svc.clone(),
    ));
    b.add_service(lg::public_ifl_service_server::PublicIflServiceServer::from_arc(svc));
}
