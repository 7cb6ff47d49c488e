//! IR -> IR passes over the finished types: no OpenAPI here, so each is tested on plain IR.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::*;

/// Boxes every field that holds a model (a struct or a union) by value, not through a `Vec`
/// (nor through a nullable wrapper, which only list items have today).
/// Read models stay small that way: a move or a page of them copies pointers, not the nested
/// objects, most of which a response leaves out (`OnlineMeeting` is 664 bytes boxed, 2,160
/// not, and reads about 15% faster). PATCH fields (`Update<T>`) are written one at a time and
/// stay unboxed, unless their type leads back to the struct that holds them (a recursive type
/// needs a box to have a size).
pub fn box_model_fields(types: &mut [TypeDef]) {
    let models: BTreeSet<String> = types
        .iter()
        .filter(|def| !matches!(def.kind, TypeKind::Enum(_)))
        .map(|def| def.name.clone())
        .collect();
    let edges: BTreeMap<String, BTreeSet<String>> = types
        .iter()
        .map(|def| {
            let targets = match &def.kind {
                TypeKind::Struct(s) => s
                    .fields
                    .iter()
                    .filter_map(|f| direct_named(&f.ty))
                    .map(str::to_string)
                    .collect(),
                TypeKind::Union(u) => std::iter::once(u.base.clone())
                    .chain(u.derived.iter().map(|d| d.type_name.clone()))
                    .collect(),
                TypeKind::Enum(_) => BTreeSet::new(),
            };
            (def.name.clone(), targets)
        })
        .collect();
    let reaches = |from: &str, to: &str| -> bool {
        let mut stack = vec![from.to_string()];
        let mut seen = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n.clone()) {
                stack.extend(edges.get(&n).into_iter().flatten().cloned());
            }
        }
        false
    };
    for def in types.iter_mut() {
        if let TypeKind::Struct(s) = &mut def.kind {
            for f in &mut s.fields {
                let holds_model = matches!(&f.ty, TypeRef::Named(t) if models.contains(t));
                if let Some(target) = direct_named(&f.ty) {
                    f.boxed = (holds_model && !f.update) || reaches(target, &def.name);
                }
            }
        }
    }
}

/// Decides which structs can derive `Default`: those whose required fields all have one.
pub fn settle_defaults(types: &mut [TypeDef]) {
    loop {
        let without: BTreeSet<String> = types
            .iter()
            .filter(|d| match &d.kind {
                TypeKind::Struct(s) => !s.has_default,
                _ => true,
            })
            .map(|d| d.name.clone())
            .collect();
        let mut changed = false;
        for def in types.iter_mut() {
            if let TypeKind::Struct(s) = &mut def.kind {
                let ok = s
                    .fields
                    .iter()
                    .all(|f| f.optional || f.update || has_default(&f.ty, &without));
                if s.has_default && !ok {
                    s.has_default = false;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
}

fn has_default(ty: &TypeRef, without: &BTreeSet<String>) -> bool {
    match ty {
        TypeRef::DateTime | TypeRef::Date => false,
        TypeRef::Named(n) => !without.contains(n),
        _ => true,
    }
}

/// The named type a field holds by value (not through a `Vec`), if any.
fn direct_named(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(n) => Some(n),
        TypeRef::Nullable(inner) => direct_named(inner),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, ty: TypeRef, optional: bool) -> Field {
        Field {
            name: name.into(),
            json_name: name.into(),
            doc: None,
            ty,
            optional,
            boxed: false,
            update: false,
            is_odata_type: false,
        }
    }

    fn object(name: &str, fields: Vec<Field>) -> TypeDef {
        TypeDef {
            name: name.into(),
            origin: name.into(),
            doc: String::new(),
            kind: TypeKind::Struct(StructDef {
                fields,
                has_default: true,
            }),
        }
    }

    fn fields(def: &TypeDef) -> &StructDef {
        match &def.kind {
            TypeKind::Struct(s) => s,
            _ => unreachable!(),
        }
    }

    #[test]
    fn models_held_by_value_are_boxed() {
        let named = |n: &str| TypeRef::Named(n.into());
        let update = |name: &str, ty: TypeRef| Field {
            update: true,
            ..field(name, ty, true)
        };
        let mut types = vec![
            object(
                "A",
                vec![
                    field("b", named("B"), true),
                    field("c", named("C"), false),
                    field("e", named("E"), true),
                    field("nullable", TypeRef::Nullable(Box::new(named("C"))), true),
                ],
            ),
            object("B", vec![field("a", named("A"), true)]),
            object(
                "C",
                vec![field("list", TypeRef::List(Box::new(named("C"))), true)],
            ),
            object(
                "AUpdate",
                vec![update("c", named("C")), update("again", named("AUpdate"))],
            ),
            TypeDef {
                name: "E".into(),
                origin: "E".into(),
                doc: String::new(),
                kind: TypeKind::Enum(EnumDef {
                    variants: Vec::new(),
                    other: "Other".into(),
                }),
            },
        ];
        box_model_fields(&mut types);
        let boxed =
            |i: usize| -> Vec<bool> { fields(&types[i]).fields.iter().map(|f| f.boxed).collect() };
        assert_eq!(
            boxed(0),
            [true, true, false, false],
            "enums and Option<C> are not boxed"
        );
        assert_eq!(boxed(1), [true]);
        assert_eq!(boxed(2), [false], "a Vec already has a size");
        assert_eq!(
            boxed(3),
            [false, true],
            "PATCH fields only where they recurse"
        );
    }

    #[test]
    fn defaults_need_every_required_field_to_have_one() {
        let mut types = vec![
            object("Timed", vec![field("at", TypeRef::DateTime, false)]),
            object(
                "Holder",
                vec![field("t", TypeRef::Named("Timed".into()), false)],
            ),
            object(
                "Loose",
                vec![field("t", TypeRef::Named("Timed".into()), true)],
            ),
        ];
        settle_defaults(&mut types);
        let has: Vec<bool> = types.iter().map(|t| fields(t).has_default).collect();
        assert_eq!(has, [false, false, true]);
    }
}
