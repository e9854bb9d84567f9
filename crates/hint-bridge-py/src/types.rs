//! Cairo 0 struct layouts, read from the program's identifiers, for `ids.x.member`.

use std::collections::HashMap;

use cairn_vm_core::cairo_vm::types::program::Program;

/// A struct member: its offset and its Cairo type (fully qualified).
#[derive(Clone, Debug)]
pub(crate) struct Member {
    pub(crate) offset: usize,
    pub(crate) cairo_type: String,
}

/// The program's structs by full name.
#[derive(Debug, Default)]
pub(crate) struct Structs {
    members: HashMap<String, HashMap<String, Member>>,
    aliases: HashMap<String, String>,
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
        }
        structs
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
