//! Write corking for HTTP/2 connections: the first write of a burst waits one trip
//! through the scheduler, so that the frames of the other calls made ready meanwhile go
//! out in the same system call.
//!
//! Without it, a connection task woken by one call (tokio runs a task woken by the
//! running one next) writes that call's frames alone: about one `writev` per call on
//! each connection under load, where a trip through the scheduler lets the other ready
//! calls add theirs first. A lone call pays one extra poll of its connection task.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The state of one connection's corking.
#[derive(Debug, Default)]
struct Cork {
    /// Set once the current burst has waited its trip.
    waited: bool,
}

impl Cork {
    /// Ready when the burst may be written: pending once per burst (the task is woken
    /// at once, so it is polled again after the tasks already queued).
    fn poll_open(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if self.waited {
            return Poll::Ready(());
        }
        self.waited = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }

    /// Runs a write once the burst may go; a write that went starts a new burst.
    fn write<T>(
        &mut self,
        cx: &mut Context<'_>,
        write: impl FnOnce(&mut Context<'_>) -> Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        ready!(self.poll_open(cx));
        let res = write(cx);
        if res.is_ready() {
            self.waited = false;
        }
        res
    }
}

/// An IO stream whose writes are corked (see the module documentation).
pub(crate) struct Corked<T> {
    io: T,
    cork: Cork,
}

impl<T> Corked<T> {
    pub(crate) fn new(io: T) -> Self {
        Corked {
            io,
            cork: Cork::default(),
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Corked<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Corked<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        this.cork
            .write(cx, |cx| Pin::new(&mut this.io).poll_write(cx, buf))
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        this.cork.write(cx, |cx| {
            Pin::new(&mut this.io).poll_write_vectored(cx, bufs)
        })
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    #[test]
    fn the_first_write_of_a_burst_waits_one_poll_and_wakes_its_task() {
        let waker = futures::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        let mut cork = Cork::default();
        let mut calls = 0;
        let mut write = |cork: &mut Cork, cx: &mut Context<'_>| {
            cork.write(cx, |_| {
                calls += 1;
                Poll::Ready(Ok(1usize))
            })
        };
        assert!(write(&mut cork, &mut cx).is_pending());
        assert!(matches!(write(&mut cork, &mut cx), Poll::Ready(Ok(1))));
        // A new burst waits again.
        assert!(write(&mut cork, &mut cx).is_pending());
        assert!(matches!(write(&mut cork, &mut cx), Poll::Ready(Ok(1))));
        assert_eq!(calls, 2);
    }

    #[tokio::test]
    async fn corked_streams_carry_every_byte_both_ways() {
        let (a, b) = tokio::io::duplex(64);
        let (mut a, mut b) = (Corked::new(a), Corked::new(b));
        let sent: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        let writer = {
            let sent = sent.clone();
            tokio::spawn(async move {
                a.write_all(&sent).await.unwrap();
                a.shutdown().await.unwrap();
                a
            })
        };
        let mut got = Vec::new();
        b.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, sent);
        writer.await.unwrap();
    }
}
