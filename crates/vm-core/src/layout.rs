//! Choosing a cairo-vm layout by name.

use std::path::Path;

use cairo_vm::types::layout::CairoLayoutParams;
use cairo_vm::types::layout_name::LayoutName;

use crate::error::{Result, VmCoreError};

/// Every layout cairo-vm can run, in the order its documentation lists them.
pub const ALL_LAYOUTS: [LayoutName; 15] = [
    LayoutName::plain,
    LayoutName::small,
    LayoutName::dex,
    LayoutName::recursive,
    LayoutName::starknet,
    LayoutName::starknet_with_keccak,
    LayoutName::recursive_large_output,
    LayoutName::recursive_with_poseidon,
    LayoutName::all_cairo,
    LayoutName::all_solidity,
    LayoutName::dynamic,
    LayoutName::all_cairo_stwo,
    LayoutName::stwo_no_ecop,
    LayoutName::perpetual,
    LayoutName::dex_with_bitwise,
];

/// A layout together with the parameters the `dynamic` layout needs.
#[derive(Clone, Debug)]
pub struct Layout {
    name: LayoutName,
    dynamic_params: Option<CairoLayoutParams>,
}

impl Layout {
    /// A named layout. `dynamic` needs its parameters: use [`Layout::dynamic`] for it.
    pub fn named(name: &str) -> Result<Self> {
        let name = ALL_LAYOUTS
            .into_iter()
            .find(|layout| layout.to_str() == name)
            .ok_or_else(|| VmCoreError::UnknownLayout {
                name: name.to_owned(),
                expected: ALL_LAYOUTS.map(LayoutName::to_str).join(", "),
            })?;
        Ok(Self {
            name,
            dynamic_params: None,
        })
    }

    /// The `dynamic` layout with its parameters, read from a `cairo_layout_params_file` JSON file.
    pub fn dynamic(params_file: &Path) -> Result<Self> {
        let params = CairoLayoutParams::from_file(params_file).map_err(|error| {
            VmCoreError::LayoutParams(format!("{}: {error}", params_file.display()))
        })?;
        // cairo-vm divides by these when it sizes the builtins' segments.
        for (name, value) in [
            ("cpu_component_step", params.cpu_component_step),
            ("range_check96_ratio_den", params.range_check96_ratio_den),
            ("add_mod_ratio_den", params.add_mod_ratio_den),
            ("mul_mod_ratio_den", params.mul_mod_ratio_den),
        ] {
            if value == 0 {
                return Err(VmCoreError::LayoutParams(format!(
                    "{}: {name} is 0; it divides, and must be at least 1",
                    params_file.display()
                )));
            }
        }
        Ok(Self {
            name: LayoutName::dynamic,
            dynamic_params: Some(params),
        })
    }

    /// The layout's name as cairo-run spells it.
    pub fn name(&self) -> &'static str {
        self.name.to_str()
    }

    pub(crate) fn cairo_vm_name(&self) -> LayoutName {
        self.name
    }

    pub(crate) fn dynamic_params(&self) -> Result<Option<CairoLayoutParams>> {
        match (&self.name, &self.dynamic_params) {
            (LayoutName::dynamic, None) => Err(VmCoreError::LayoutParams(
                "the dynamic layout needs a parameters file (--cairo-layout-params-file)"
                    .to_owned(),
            )),
            (_, params) => Ok(params.clone()),
        }
    }
}

impl Default for Layout {
    fn default() -> Self {
        Self {
            name: LayoutName::plain,
            dynamic_params: None,
        }
    }
}
