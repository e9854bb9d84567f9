//! Cairo 0 identifiers a hint reaches through `ids`, read from the program: struct layouts
//! (`ids.x.member`, `ids.Point.SIZE`), constants (`ids.SCALE`) and scopes (`ids.module.X`).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use cairn_vm_core::cairo_vm::types::program::Program;
use cairn_vm_core::Felt252;

/// A struct member: its offset and its Cairo type (fully qualified).
#[derive(Clone, Debug)]
pub(crate) struct Member {
    pub(crate) offset: usize,
    pub(crate) cairo_type: String,
}

/// The program's structs by full name, and its other identifiers a hint may name.
#[derive(Debug, Default)]
pub(crate) struct Structs {
    members: HashMap<String, HashMap<String, Member>>,
    sizes: HashMap<String, usize>,
    aliases: HashMap<String, String>,
    constants: HashMap<String, Felt252>,
    /// Functions, namespaces, labels and modules (every prefix of a name): `ids.scope.X`.
    scopes: HashSet<String>,
}

/// What an identifier a hint names (not a reference) is.
pub(crate) enum Identifier<'a> {
    /// `const X = …;`: its value.
    Constant(Felt252),
    /// A struct type: its full name.
    Struct(&'a str),
    /// A function, namespace, label or module: its full name.
    Scope(String),
}

impl Structs {
    pub(crate) fn of(program: &Program) -> Self {
        let mut structs = Structs::default();
        for (name, identifier) in program.iter_identifiers() {
            match identifier.type_.as_deref() {
                Some("struct") => {
                    let members = identifier
                        .members
                        .iter()
                        .flatten()
                        .map(|(member, info)| {
                            (
                                member.clone(),
                                Member {
                                    offset: info.offset,
                                    cairo_type: info.cairo_type.clone(),
                                },
                            )
                        })
                        .collect();
                    structs.members.insert(name.to_owned(), members);
                    if let Some(size) = identifier.size {
                        structs.sizes.insert(name.to_owned(), size);
                    }
                }
                Some("const") => {
                    if let Some(value) = identifier.value {
                        structs.constants.insert(name.to_owned(), value);
                    }
                }
                Some("function") | Some("namespace") | Some("label") => {
                    structs.scopes.insert(name.to_owned());
                }
                Some("alias") | Some("type_definition") => {
                    if let Some(target) = identifier
                        .destination
                        .as_ref()
                        .or(identifier.cairo_type.as_ref())
                    {
                        structs.aliases.insert(name.to_owned(), target.clone());
                    }
                }
                _ => {}
            }
            // Every enclosing module or namespace is a scope too.
            let mut prefix = name;
            while let Some((outer, _)) = prefix.rsplit_once('.') {
                structs.scopes.insert(outer.to_owned());
                prefix = outer;
            }
        }
        structs
    }

    /// The size of the struct named `cairo_type`, following aliases.
    pub(crate) fn size(&self, cairo_type: &str) -> Option<usize> {
        let mut name = cairo_type;
        for _ in 0..16 {
            if let Some(size) = self.sizes.get(name) {
                return Some(*size);
            }
            name = self.aliases.get(name)?;
        }
        None
    }

    /// The identifier `name` names from the `accessible` scopes (innermost last), as cairo-run
    /// searches them: the innermost scope first, aliases followed.
    pub(crate) fn resolve(&self, accessible: &[String], name: &str) -> Option<Identifier<'_>> {
        accessible
            .iter()
            .rev()
            .map(|scope| format!("{scope}.{name}"))
            .chain(std::iter::once(name.to_owned()))
            .find_map(|candidate| self.identifier(&candidate))
    }

    /// The identifier with the full name `name`, aliases followed.
    pub(crate) fn identifier(&self, name: &str) -> Option<Identifier<'_>> {
        let mut full = name.to_owned();
        for _ in 0..16 {
            if let Some(value) = self.constants.get(&full) {
                return Some(Identifier::Constant(*value));
            }
            if let Some((struct_name, _)) = self.members.get_key_value(&full) {
                return Some(Identifier::Struct(struct_name));
            }
            if self.scopes.contains(&full) {
                return Some(Identifier::Scope(full));
            }
            full = self.aliases.get(&full)?.clone();
        }
        None
    }

    /// The members of the struct named `cairo_type`, following aliases.
    pub(crate) fn members(&self, cairo_type: &str) -> Option<&HashMap<String, Member>> {
        let mut name = cairo_type;
        for _ in 0..16 {
            if let Some(members) = self.members.get(name) {
                return Some(members);
            }
            name = self.aliases.get(name)?;
        }
        None
    }
}

/// How a value of a Cairo type is shown to Python.
pub(crate) enum Kind<'a> {
    /// felt, or anything without struct members: the cell's value.
    Value,
    /// A pointer to a struct: a view of the struct at the pointed-to address.
    StructPointer(&'a str),
    /// A struct: a view of the struct at its own address.
    Struct(&'a str),
}

pub(crate) fn kind<'a>(structs: &Structs, cairo_type: &'a str) -> Kind<'a> {
    let cairo_type = cairo_type.trim();
    // Most references are felts: no lookup for them.
    if cairo_type == "felt" {
        return Kind::Value;
    }
    if let Some(pointee) = cairo_type.strip_suffix('*') {
        let pointee = pointee.trim();
        if !pointee.ends_with('*') && structs.members(pointee).is_some() {
            return Kind::StructPointer(pointee);
        }
        return Kind::Value;
    }
    if structs.members(cairo_type).is_some() {
        return Kind::Struct(cairo_type);
    }
    Kind::Value
}
