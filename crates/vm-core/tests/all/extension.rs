//! Hints cairo-vm does not know go to a hint extension; the ones it knows never do.

use std::cell::RefCell;
use std::rc::Rc;

use cairn_vm_core::cairo_vm::hint_processor::builtin_hint_processor::hint_utils::{
    get_integer_from_var_name, insert_value_from_var_name,
};
use cairn_vm_core::cairo_vm::vm::errors::hint_errors::HintError;
use cairn_vm_core::cairo_vm::vm::vm_core::VirtualMachine;
use cairn_vm_core::{Felt252, HintData, HintExtension, Runner, ScopeStack};

use crate::support::{config, printed_output, program, recorded_output, recording};

/// Stands in for Python: understands the few hint codes of the test programs.
pub struct ToyHints {
    /// What `program_input['n']` evaluates to.
    pub n: u64,
    /// Every hint code this extension was asked to run, in order.
    pub calls: Rc<RefCell<Vec<String>>>,
}

impl ToyHints {
    pub fn new(n: u64) -> Self {
        Self {
            n,
            calls: Rc::default(),
        }
    }
}

impl HintExtension for ToyHints {
    fn execute(
        &mut self,
        vm: &mut VirtualMachine,
        scopes: &mut ScopeStack<'_>,
        hint: &HintData,
    ) -> Result<(), HintError> {
        self.calls.borrow_mut().push(hint.code.clone());
        let (ids, ap_tracking) = (&hint.ids_data, &hint.ap_tracking);
        match hint.code.as_str() {
            "ids.n = program_input['n']" => {
                insert_value_from_var_name("n", Felt252::from(self.n), vm, ids, ap_tracking)
            }
            "ids.x = 17" => {
                insert_value_from_var_name("x", Felt252::from(17), vm, ids, ap_tracking)
            }
            "ids.y = ids.x * 2" => {
                let x = get_integer_from_var_name("x", vm, ids, ap_tracking)?;
                // Scopes opened by an extension are visible as depth, and closed again.
                let depth = scopes.depth();
                scopes.enter();
                assert_eq!(scopes.depth(), depth + 1);
                scopes.exit()?;
                insert_value_from_var_name("y", x * Felt252::TWO, vm, ids, ap_tracking)
            }
            other => Err(HintError::UnknownHint(other.into())),
        }
    }
}

#[test]
fn unknown_hints_run_in_the_extension() {
    let extension = ToyHints::new(23);
    let calls = extension.calls.clone();
    let mut runner = Runner::with_hint_extension(
        &program("program_input"),
        config("small"),
        Box::new(extension),
    )
    .expect("runner");
    runner.run_until_end().expect("run");
    assert_eq!(
        printed_output(&runner),
        recorded_output(&recording("program_input"))
    );
    assert_eq!(*calls.borrow(), ["ids.n = program_input['n']"]);
}

#[test]
fn known_hints_stay_in_rust_between_extension_hints() {
    let extension = ToyHints::new(0);
    let calls = extension.calls.clone();
    let mut runner = Runner::with_hint_extension(
        &program("mixed_hints"),
        config("small"),
        Box::new(extension),
    )
    .expect("runner");
    runner.run_until_end().expect("run");
    assert_eq!(
        printed_output(&runner),
        recorded_output(&recording("mixed_hints"))
    );
    // unsigned_div_rem's hint ran in Rust: the extension saw only its two codes.
    assert_eq!(*calls.borrow(), ["ids.x = 17", "ids.y = ids.x * 2"]);
}

#[test]
fn a_program_with_only_known_hints_never_calls_the_extension() {
    let extension = ToyHints::new(0);
    let calls = extension.calls.clone();
    let mut runner = Runner::with_hint_extension(
        &program("hints_in_loop"),
        config("starknet"),
        Box::new(extension),
    )
    .expect("runner");
    runner.run_until_end().expect("run");
    assert_eq!(
        printed_output(&runner),
        recorded_output(&recording("hints_in_loop"))
    );
    assert!(calls.borrow().is_empty(), "{:?}", calls.borrow());
}

#[test]
fn an_extension_error_stops_the_run_at_the_hint() {
    struct Refuses;
    impl HintExtension for Refuses {
        fn execute(
            &mut self,
            _: &mut VirtualMachine,
            _: &mut ScopeStack<'_>,
            _: &HintData,
        ) -> Result<(), HintError> {
            Err(HintError::CustomHint("the extension refused".into()))
        }
    }
    let mut runner = Runner::with_hint_extension(
        &program("program_input"),
        config("small"),
        Box::new(Refuses),
    )
    .expect("runner");
    let message = runner.run_until_end().expect_err("refused").to_string();
    assert!(message.contains("the extension refused"), "{message}");
    assert!(message.contains("program_input.cairo:16:5"), "{message}");
}
