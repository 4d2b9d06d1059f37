//! Sidecars: small JSON files beside the audio, in the asset metadata shape
//! delivery platforms accept.
//!
//! [`read`] reads the descriptive metadata people keep beside their audio
//! (and catalog manifests) for `ddexprobe check`; [`write`] measures audio
//! files and writes their technical sidecars (`ddexprobe sidecar`), beside
//! the audio or in a mirrored directory tree.

pub mod read;
pub mod write;
