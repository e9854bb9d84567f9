//! Hints cairo-vm does not know go to a hint extension; the ones it knows never do.

use std::cell::RefCell;
use std::rc::Rc;

use cairn_vm_core::cairo_vm::hint_processor::builtin_hint_processor::hint_utils::{
    get_integer_from_var_name, get_relocatable_from_var_name, insert_value_from_var_name,
};
use cairn_vm_core::cairo_vm::vm::errors::hint_errors::HintError;
use cairn_vm_core::cairo_vm::vm::vm_core::VirtualMachine;
use cairn_vm_core::{
    CairoProgram, Felt252, HintData, HintExtension, LoadedProgram, Runner, ScopeStack,
};

use crate::support::{config, printed_output, program, program_bytes, recorded_output, recording};

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

/// A runner of fixture `name` on `layout` with `extension`.
fn runner_with(
    name: &str,
    layout: &str,
    extension: impl HintExtension + 'static,
) -> Runner<'static> {
    Runner::with_hint_extension(&program(name), config(layout), Box::new(extension))
        .expect("runner")
}

#[test]
fn unknown_hints_run_in_the_extension() {
    let extension = ToyHints::new(23);
    let calls = extension.calls.clone();
    let mut runner = runner_with("program_input", "small", extension);
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
    let mut runner = runner_with("mixed_hints", "small", extension);
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
    let mut runner = runner_with("hints_in_loop", "starknet", extension);
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
    let mut runner = runner_with("program_input", "small", Refuses);
    let message = runner.run_until_end().expect_err("refused").to_string();
    assert!(message.contains("the extension refused"), "{message}");
    assert!(message.contains("program_input.cairo:16:5"), "{message}");
}

/// Logs hints, instructions and the end, sharing one log, to check the order the step loop
/// calls them in; fails where it is told to.
struct Watcher {
    hints: ToyHints,
    log: Rc<RefCell<Vec<String>>>,
    fail_before_step: Option<usize>,
    fail_at_end: bool,
}

impl HintExtension for Watcher {
    fn execute(
        &mut self,
        vm: &mut VirtualMachine,
        scopes: &mut ScopeStack<'_>,
        hint: &HintData,
    ) -> Result<(), HintError> {
        self.log
            .borrow_mut()
            .push(format!("hint at {}", vm.get_pc()));
        self.hints.execute(vm, scopes, hint)
    }

    fn checks_instructions(&self) -> bool {
        true
    }

    fn before_instruction(&mut self, vm: &mut VirtualMachine) -> Result<(), HintError> {
        if self.fail_before_step == Some(vm.get_current_step()) {
            return Err(HintError::CustomHint(
                "refused before the instruction".into(),
            ));
        }
        self.log
            .borrow_mut()
            .push(format!("instruction at {}", vm.get_pc()));
        Ok(())
    }

    fn at_end(&mut self, vm: &mut VirtualMachine) -> Result<(), HintError> {
        self.log
            .borrow_mut()
            .push(format!("end at {}", vm.get_pc()));
        match self.fail_at_end {
            true => Err(HintError::CustomHint("refused at the end".into())),
            false => Ok(()),
        }
    }
}

fn watched(
    fail_before_step: Option<usize>,
    fail_at_end: bool,
) -> (Runner<'static>, Rc<RefCell<Vec<String>>>) {
    let log = Rc::default();
    let watcher = Watcher {
        hints: ToyHints::new(23),
        log: Rc::clone(&log),
        fail_before_step,
        fail_at_end,
    };
    let runner = runner_with("program_input", "small", watcher);
    (runner, log)
}

#[test]
fn an_extension_checking_instructions_sees_each_after_its_pcs_hints_and_the_end_once() {
    let (mut runner, log) = watched(None, false);
    // Paused and resumed: each instruction is still seen once.
    while !runner.run_steps(3).expect("run") {}
    assert_eq!(
        printed_output(&runner),
        recorded_output(&recording("program_input"))
    );
    let log = log.borrow();
    let instructions = log.iter().filter(|entry| entry.starts_with("instruction"));
    assert_eq!(instructions.count(), runner.step_count());
    let hint = log
        .iter()
        .position(|entry| entry.starts_with("hint"))
        .expect("a hint");
    let hint_pc = log[hint].trim_start_matches("hint at ");
    assert_eq!(log[hint + 1], format!("instruction at {hint_pc}"));
    let ends: Vec<_> = log
        .iter()
        .filter(|entry| entry.starts_with("end"))
        .collect();
    assert_eq!(ends, [&format!("end at {}", runner.pc())]);
    assert_eq!(log.last(), ends.last().copied());
}

#[test]
fn an_extension_refusing_an_instruction_or_the_end_fails_the_run() {
    let (mut runner, log) = watched(Some(5), false);
    let message = runner.run_until_end().expect_err("refused").to_string();
    assert!(
        message.contains("refused before the instruction"),
        "{message}"
    );
    assert_eq!(runner.step_count(), 5);
    assert!(!log.borrow().iter().any(|entry| entry.starts_with("end")));

    let (mut runner, _) = watched(None, true);
    let message = runner.run_until_end().expect_err("refused").to_string();
    assert!(message.contains("refused at the end"), "{message}");
    assert!(!runner.is_finished());
}

/// Plays py_load_program's hints in Rust: the first writes py_loaded_task's code to a new
/// segment and loads it; the loaded program's hint computes `y` from its own `ids`.
struct Loader {
    loaded: Vec<LoadedProgram>,
    ran_loaded_hint: Rc<RefCell<bool>>,
}

impl HintExtension for Loader {
    fn execute(
        &mut self,
        vm: &mut VirtualMachine,
        _: &mut ScopeStack<'_>,
        hint: &HintData,
    ) -> Result<(), HintError> {
        let (ids, ap_tracking) = (&hint.ids_data, &hint.ap_tracking);
        if hint.code.starts_with("task = program_input") {
            let json = program_bytes("py_loaded_task");
            let task: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
            let code = vm.add_memory_segment();
            let words = task["data"].as_array().expect("data");
            for (offset, word) in words.iter().enumerate() {
                let word = Felt252::from_hex(word.as_str().expect("hex")).expect("felt");
                vm.insert_value((code + offset).expect("address"), word)?;
            }
            let compute = task["identifiers"]["__main__.compute"]["pc"]
                .as_u64()
                .expect("pc");
            let entry = (code + compute as usize).expect("address");
            insert_value_from_var_name("entry", entry, vm, ids, ap_tracking)?;
            let program = CairoProgram::loadable_from_bytes(&json).expect("loadable");
            self.loaded.push(LoadedProgram {
                program,
                base: code,
            });
            return Ok(());
        }
        if hint.code.contains("loaded program:") {
            // `ids` resolve against the loaded program's references (its frame, its locals).
            let x = get_integer_from_var_name("x", vm, ids, ap_tracking)?;
            let pair = get_relocatable_from_var_name("pair", vm, ids, ap_tracking)?;
            let a = vm.get_integer(pair)?.into_owned();
            let b = vm.get_integer((pair + 1usize)?)?.into_owned();
            assert_eq!((a, b), (x, x + Felt252::ONE));
            *self.ran_loaded_hint.borrow_mut() = true;
            return insert_value_from_var_name("y", a * b * Felt252::THREE, vm, ids, ap_tracking);
        }
        Err(HintError::UnknownHint(hint.code.clone().into()))
    }

    fn checks_instructions(&self) -> bool {
        !self.loaded.is_empty()
    }

    fn take_loaded_programs(&mut self) -> Vec<LoadedProgram> {
        std::mem::take(&mut self.loaded)
    }
}

#[test]
fn a_program_a_hint_loads_has_its_hints_run_at_its_addresses() {
    let ran_loaded_hint = Rc::default();
    let loader = Loader {
        loaded: Vec::new(),
        ran_loaded_hint: Rc::clone(&ran_loaded_hint),
    };
    let mut runner = runner_with("py_load_program", "small", loader);
    runner.run_until_end().expect("run");
    assert!(*ran_loaded_hint.borrow());
    // 6 * 7 * 3, as cairo-run prints it (after the loaded hint's own print, not played here).
    let recorded = recorded_output(&recording("py_load_program"));
    assert_eq!(printed_output(&runner), recorded);
    assert_eq!(printed_output(&runner), ["126"]);
}
