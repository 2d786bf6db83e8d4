//! The connection task: moves bytes between a socket and a [`Connection`], and waits.
//!
//! ```text
//!  socket ──read──► Connection::feed ──route──► subscribers' session queues
//!  session.notify ──► Connection::pull ──► out buffer ──write (batched)──► socket
//!  kick_rx (session takeover, ACL change, listener moved, shutdown) ──► close
//! ```
//! A CONNECT's credentials are checked by the configured authenticator's future, which
//! runs the slow part off the runtime threads; the task just awaits the verdict.
//! Reading and writing are polled together, so a client that stops reading cannot
//! stop the broker from reading its acknowledgements, and vice versa.
//!
//! Back-pressure: when a PUBLISH of this client fills a subscriber's queue, the
//! connection pauses (see `Connection::pause`): acknowledgements are still read and
//! handled, other packets are held (64 KiB at most, then the socket is not read) until
//! the subscriber's queue is down to three quarters and it wakes `waker`, or until
//! `max_publisher_wait` has passed (the subscriber is then disconnected).
//!
//! Acknowledging at once: a publisher that leaves Nagle's algorithm on (most MQTT client
//! libraries do) and sends small messages now and then holds each message until the
//! previous one is ACKed; with the receiver's delayed ACK that wait is up to 40 ms, and a
//! connection can settle into waiting on every message. So after a read that ends a quiet
//! spell (`QUIET`), carried a PUBLISH and leaves nothing to send back (a reply would
//! carry the ACK), the broker asks the kernel to ACK at once (`TCP_QUICKACK`, Linux, plain
//! TCP). Back-to-back reads of a blasting client do not pay the extra system call, nor do
//! a subscriber's acknowledgements (PUBACK, PUBREC, PUBCOMP): what the client sends next
//! answers the broker's next message, which carries the ACK. Measured in
//! `docs/benchmarks.md` (paced QoS 0; paced QoS 1 to ten subscribers, whose ten
//! acknowledgements per message each cost a system call before).
//!
//! Subscribers first: after a read that queued messages for other clients, the task
//! yields once before anything else (writing its replies such as PUBACK or PUBREC, the
//! `TCP_QUICKACK` call), so the subscribers' tasks it woke write their copies first, as
//! a single-threaded broker does. Writing the acknowledgement wakes the publisher's
//! process, which on a busy machine can take the CPU from the broker before the
//! subscriber's copy has left; the copy is what latency is measured on.

use std::time::Duration;

use bytes::{Buf, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::Instant;

use crate::codec::ReasonCode;
use crate::connection::{Close, Connection};
use crate::shared::KickRx;

/// Stop pulling messages once this much is waiting to be written.
const HIGH_WATER: usize = 64 * 1024;
const READ_CHUNK: usize = 64 * 1024;
const FLUSH_ON_CLOSE: Duration = Duration::from_secs(1);
/// A read this long after the previous one ends a quiet spell (see the module doc).
const QUIET: std::time::Duration = std::time::Duration::from_micros(200);

fn std_now() -> std::time::Instant {
    Instant::now().into_std()
}

/// A read half that can ask its kernel socket to acknowledge what it has received at once.
pub(crate) trait AckNow {
    /// Sends the pending ACK now (best effort; nothing where the socket is not reachable).
    fn ack_now(&self) {}
}

impl AckNow for tokio::net::tcp::OwnedReadHalf {
    fn ack_now(&self) {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            let _ = socket2::SockRef::from(self.as_ref()).set_tcp_quickack(true);
        }
    }
}

/// TLS connections: the socket is inside the TLS stream; the kernel's default applies.
impl<T> AckNow for tokio::io::ReadHalf<T> {}

pub(crate) async fn run<R, W>(mut rd: R, mut wr: W, mut conn: Connection, mut kick_rx: KickRx)
where
    R: AsyncRead + AckNow + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut rbuf = BytesMut::with_capacity(READ_CHUNK);
    let far = || Instant::now() + Duration::from_secs(365 * 86_400);
    // One timer for the connection's life. It is reset only when the deadline moves
    // earlier or after it fires (keep-alive deadlines move later with every packet:
    // re-arming per packet would cost a timer operation each).
    let mut timer_at = far();
    let timer = tokio::time::sleep_until(timer_at);
    tokio::pin!(timer);
    let waker = conn.waker();
    // The client closed while paused: what it sent before is still handled (once the
    // pause ends), then the connection ends.
    let mut eof = false;
    let mut last_read = std_now();
    let close = loop {
        let now = std_now();
        while conn.out.len() < HIGH_WATER {
            match conn.pull(now) {
                Ok(0) => break,
                Ok(_) => {}
                Err(c) => return end(conn, wr, c).await,
            }
        }
        let want = conn.deadline().map(Instant::from_std).unwrap_or_else(far);
        if want < timer_at {
            timer_at = want;
            timer.as_mut().reset(want);
        }
        if rbuf.capacity() - rbuf.len() < 4096 {
            rbuf.reserve(READ_CHUNK);
        }
        let session = conn.session().cloned();
        let can_pull = session.is_some() && conn.out.len() < HIGH_WATER;
        let writable = !conn.out.is_empty();
        tokio::select! {
            biased;
            k = kick_rx.recv() => break Close::kicked(k.unwrap_or(ReasonCode::SERVER_SHUTTING_DOWN)),
            r = wr.write(&conn.out), if writable => match r {
                Ok(0) | Err(_) => break Close::peer_gone(),
                Ok(n) => conn.out.advance(n),
            },
            r = rd.read_buf(&mut rbuf), if !eof && conn.wants_read() => match r {
                Ok(0) | Err(_) if conn.paused() => eof = true,
                Ok(0) | Err(_) => break Close::peer_gone(),
                Ok(_) => {
                    let now = std_now();
                    let quiet = now.duration_since(last_read) >= QUIET;
                    last_read = now;
                    if let Err(c) = conn.feed(&mut rbuf, now) {
                        break c;
                    }
                    // Subscribers first (see the module doc).
                    if conn.woke() {
                        tokio::task::yield_now().await;
                    }
                    if quiet && conn.out.is_empty() && conn.fed_publish() {
                        rd.ack_now();
                    }
                    // Credentials are checked by a future that does the slow work
                    // elsewhere; this task only waits (or is kicked meanwhile).
                    if let Some(check) = conn.take_check() {
                        let ok = tokio::select! {
                            biased;
                            k = kick_rx.recv() => break Close::kicked(k.unwrap_or(ReasonCode::SERVER_SHUTTING_DOWN)),
                            ok = check => ok,
                        };
                        if let Err(c) = conn.checked(ok, &mut rbuf, std_now()) {
                            break c;
                        }
                    }
                }
            },
            _ = async { if let Some(s) = &session { s.notify.notified().await } }, if can_pull => {}
            // A subscriber this publisher waits for has drained (or gone).
            _ = waker.notified(), if conn.paused() => {
                conn.resume_check(std_now());
                if !conn.paused() {
                    if let Err(c) = conn.feed(&mut rbuf, std_now()) {
                        break c;
                    }
                    if eof && !conn.paused() {
                        break Close::peer_gone();
                    }
                }
            }
            _ = &mut timer => {
                let was_paused = conn.paused();
                if let Err(c) = conn.on_timer(std_now()) {
                    break c;
                }
                if was_paused && !conn.paused() {
                    if let Err(c) = conn.feed(&mut rbuf, std_now()) {
                        break c;
                    }
                    if eof && !conn.paused() {
                        break Close::peer_gone();
                    }
                }
                timer_at = conn.deadline().map(Instant::from_std).unwrap_or_else(far);
                timer.as_mut().reset(timer_at);
            }
        }
    };
    end(conn, wr, close).await
}

async fn end<W: AsyncWrite + Unpin>(mut conn: Connection, mut wr: W, close: Close) {
    conn.write_close(&close);
    let out = std::mem::take(&mut conn.out);
    let _ = tokio::time::timeout(FLUSH_ON_CLOSE, async {
        if !out.is_empty() {
            wr.write_all(&out).await?;
        }
        wr.flush().await?;
        wr.shutdown().await
    })
    .await;
    conn.finish(&close, std_now());
}
