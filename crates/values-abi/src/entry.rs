//! Finding a function of a Sierra program by the name a user gives: its full path
//! (`crate::module::name`) or its last segments (`name`, `module::name`). Both backends look
//! their entry up here, so they choose the same function, and refuse a missing or ambiguous
//! name with the same words.

use cairo_lang_sierra::program::Function;

/// Why no function was chosen.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    /// No function has that name or ends with it.
    #[error("no function named `{name}` in the program (functions: {known})")]
    NotFound {
        /// The name asked for.
        name: String,
        /// Some of the program's functions.
        known: String,
    },
    /// Several functions end with that name.
    #[error("`{name}` names several functions ({candidates}): give the full path of one")]
    Ambiguous {
        /// The name asked for.
        name: String,
        /// The functions it names.
        candidates: String,
    },
}

/// The function of `funcs` that `name` names, with its index: the one whose full path is
/// `name`, else the only one whose path ends with `::name`.
pub fn find_function<'p>(
    funcs: &'p [Function],
    name: &str,
) -> Result<(usize, &'p Function), EntryError> {
    let path = |function: &Function| function.id.debug_name.as_deref().map(str::to_owned);
    if let Some(found) = funcs
        .iter()
        .enumerate()
        .find(|(_, function)| path(function).as_deref() == Some(name))
    {
        return Ok(found);
    }
    let suffix = format!("::{name}");
    let matching: Vec<(usize, &Function)> = funcs
        .iter()
        .enumerate()
        .filter(|(_, function)| path(function).is_some_and(|path| path.ends_with(&suffix)))
        .collect();
    match matching.as_slice() {
        [only] => Ok(*only),
        [] => Err(EntryError::NotFound {
            name: name.to_owned(),
            known: funcs
                .iter()
                .filter_map(path)
                .take(8)
                .collect::<Vec<_>>()
                .join(", "),
        }),
        several => Err(EntryError::Ambiguous {
            name: name.to_owned(),
            candidates: several
                .iter()
                .filter_map(|(_, function)| path(function))
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}
