//! Building the store of a location: credentials from each cloud's
//! standard environment chain, an explicit endpoint for S3-compatible
//! stores, and retries with backoff on throttling.

use super::{Location, RemoteOptions, Scheme};
use object_store::ObjectStore;
use object_store::RetryConfig;
use object_store::aws::AmazonS3Builder;
use object_store::azure::MicrosoftAzureBuilder;
use object_store::gcp::GoogleCloudStorageBuilder;
use object_store::http::HttpBuilder;
use std::sync::Arc;
use std::time::Duration;

/// Retries of one request: throttling (HTTP 429, S3's `SlowDown` 503) and
/// transient failures are retried with exponential backoff from 100 ms up
/// to 15 s, at most 10 times and for at most 3 minutes.
pub fn retry() -> RetryConfig {
    RetryConfig {
        max_retries: 10,
        retry_timeout: Duration::from_secs(180),
        ..RetryConfig::default()
    }
}

/// The endpoint to use: `--endpoint`, else `AWS_ENDPOINT_URL` for S3.
fn endpoint(location: &Location, options: &RemoteOptions) -> Option<String> {
    options.endpoint.clone().or_else(|| match location.scheme {
        Scheme::S3 => std::env::var("AWS_ENDPOINT_URL").ok(),
        _ => None,
    })
}

/// The store `location` lives in. Err: the reason it cannot be reached
/// (no bucket, credentials that do not parse, a bad endpoint).
pub fn build(location: &Location, options: &RemoteOptions) -> Result<Arc<dyn ObjectStore>, String> {
    let endpoint = endpoint(location, options);
    let plain_http = endpoint
        .as_deref()
        .is_some_and(|e| e.to_ascii_lowercase().starts_with("http://"));
    let built: object_store::Result<Arc<dyn ObjectStore>> = match location.scheme {
        Scheme::S3 => {
            let mut b = AmazonS3Builder::from_env()
                .with_bucket_name(&location.bucket)
                .with_retry(retry());
            if let Some(e) = endpoint {
                b = b.with_endpoint(e).with_allow_http(plain_http);
            }
            b.build().map(|s| Arc::new(s) as Arc<dyn ObjectStore>)
        }
        Scheme::Gcs => GoogleCloudStorageBuilder::from_env()
            .with_bucket_name(&location.bucket)
            .with_retry(retry())
            .build()
            .map(|s| Arc::new(s) as Arc<dyn ObjectStore>),
        Scheme::Azure => {
            let mut b = MicrosoftAzureBuilder::from_env()
                .with_container_name(&location.bucket)
                .with_retry(retry());
            if let Some(e) = endpoint {
                b = b.with_endpoint(e).with_allow_http(plain_http);
            }
            b.build().map(|s| Arc::new(s) as Arc<dyn ObjectStore>)
        }
        Scheme::Http => HttpBuilder::new()
            .with_url(&location.bucket)
            .with_retry(retry())
            .build()
            .map(|s| Arc::new(s) as Arc<dyn ObjectStore>),
    };
    built.map_err(|e| format!("cannot reach the store: {e}"))
}
