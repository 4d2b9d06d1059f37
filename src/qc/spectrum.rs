//! Placeholder replaced by the spectral analysis.
#![allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Findings {
    pub bandwidth_hz: Option<u32>,
    pub upsampled_from: Option<u32>,
    pub lossy_source: Option<bool>,
}
pub struct Spectrum;
impl Spectrum {
    pub fn new(_rate: u32, _channels: usize) -> Spectrum {
        Spectrum
    }
    pub fn push(&mut self, _channel: usize, _samples: &[f32]) {}
    pub fn finish(self) -> Findings {
        Findings::default()
    }
}
