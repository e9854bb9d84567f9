//! Which of the names cairo-run puts in every hint's scope (`memory`, `ids`, the scope
//! functions, the static locals, the VM's names: about thirty) a hint is actually given.
//!
//! cairo-run puts each of them into the scope dict before every hint and deletes them after
//! it. A hint can only see the ones its code looks up by name — unless it reaches its globals
//! as a whole (`globals()`, `eval`, `import *`…) or defines a function that a later hint calls
//! with the scope as its globals. So a hint whose code does neither is given just the names its
//! code objects list (what it cannot tell apart from cairo-run's), and the other hints, once
//! any hint has defined a function, all of them. Adding and deleting thirty names was most of
//! what a trivial hint cost.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use crate::hints::python_module_function;

/// The names given to one hint.
pub(crate) enum Injection {
    /// All of them, as cairo-run gives them.
    Every,
    /// Only those the hint's code names: `ids` if it does, and these (name, value) pairs.
    Named {
        ids: bool,
        names: Vec<(Py<PyString>, Py<PyAny>)>,
    },
}

/// What a compiled hint's code names, from `hint_names.py`.
pub(crate) struct NameAnalysis {
    hint_names: Py<PyAny>,
}

/// What [`NameAnalysis::plan`] finds in a hint.
pub(crate) struct Plan {
    pub(crate) injection: Injection,
    /// The hint defines a function, lambda, class or generator: from now on, every hint gets
    /// every name.
    pub(crate) defines_functions: bool,
}

impl NameAnalysis {
    pub(crate) fn new(py: Python<'_>) -> PyResult<Self> {
        // The function is made once per process: a runner's set-up should not compile Python.
        static HINT_NAMES: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        let hint_names = HINT_NAMES.get_or_try_init(py, || {
            python_module_function(py, include_str!("hint_names.py"), "hint_names", None)
                .map(Bound::unbind)
        })?;
        Ok(Self {
            hint_names: hint_names.clone_ref(py),
        })
    }

    /// The names `code` (compiled from `source`) is given, out of `injected`.
    pub(crate) fn plan(
        &self,
        py: Python<'_>,
        code: &Bound<'_, PyAny>,
        source: &str,
        injected: &Bound<'_, PyDict>,
    ) -> PyResult<Plan> {
        let found = self.hint_names.bind(py).call1((code,))?;
        let found = found.cast::<PyTuple>()?;
        let names = found.get_item(0)?.cast_into::<PyList>()?;
        let dynamic: bool = found.get_item(1)?.extract()?;
        let defines_functions: bool = found.get_item(2)?.extract()?;
        // `from m import *` binds names no list shows.
        if dynamic || source.contains("import *") {
            return Ok(Plan {
                injection: Injection::Every,
                defines_functions,
            });
        }
        let mut ids = false;
        let mut given = Vec::new();
        for name in names.iter() {
            let name = name.cast_into::<PyString>()?;
            if name == "ids" {
                ids = true;
            } else if let Some(value) = injected.get_item(&name)? {
                given.push((name.unbind(), value.unbind()));
            }
        }
        Ok(Plan {
            injection: Injection::Named { ids, names: given },
            defines_functions,
        })
    }
}
