//! `[features]`: which features of each package a compilation turns on.

use std::collections::{BTreeMap, BTreeSet};

use crate::package::Package;
use crate::ScarbError;

/// What a compilation asks of one package's features.
#[derive(Clone, Debug, Default)]
pub(crate) struct FeatureRequest {
    /// Features asked for by name.
    pub named: BTreeSet<String>,
    /// Whether its `default` feature is on.
    pub default: bool,
    /// Every feature it defines.
    pub all: bool,
}

/// The features each package turns on: the requests, their `default`s, and every feature an
/// enabled one lists (`other` in the same package, `dependency/feature` in a dependency's).
pub(crate) fn enabled_features(
    packages: &BTreeMap<String, Package>,
    requests: &BTreeMap<String, FeatureRequest>,
) -> Result<BTreeMap<String, BTreeSet<String>>, ScarbError> {
    let unknown = |package: &Package, feature: &str| ScarbError::UnknownFeature {
        package: package.name.clone(),
        feature: feature.to_owned(),
        known: if package.features.is_empty() {
            "none".to_owned()
        } else {
            package
                .features
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        },
    };
    let mut enabled: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut pending: Vec<(String, String)> = Vec::new();
    for (name, request) in requests {
        let Some(package) = packages.get(name) else {
            continue;
        };
        enabled.entry(name.clone()).or_default();
        let mut wanted: Vec<String> = request.named.iter().cloned().collect();
        if request.all {
            wanted.extend(package.features.keys().cloned());
        }
        if request.default && package.features.contains_key("default") {
            wanted.push("default".to_owned());
        }
        for feature in wanted {
            pending.push((name.clone(), feature));
        }
    }
    while let Some((name, feature)) = pending.pop() {
        let Some(package) = packages.get(&name) else {
            continue;
        };
        let Some(implied) = package.features.get(&feature) else {
            return Err(unknown(package, &feature));
        };
        if !enabled.entry(name.clone()).or_default().insert(feature) {
            continue;
        }
        for item in implied {
            match item.split_once('/') {
                Some((dependency, feature)) => {
                    pending.push((dependency.to_owned(), feature.to_owned()))
                }
                None => pending.push((name.clone(), item.clone())),
            }
        }
    }
    Ok(enabled)
}
