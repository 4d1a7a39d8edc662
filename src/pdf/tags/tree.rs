//! The structure tree written into the PDF: one `Document` element holding
//! every part's elements in book order, each element's kids (elements,
//! marked-content references, annotation references) in reading order, the
//! parent tree that leads from a page's marked content and from an
//! annotation back to its element, and `/StructParents` on the pages.

use super::{Element, Kid, Part, Role, Structure, Tag};
use crate::pdf::navigate::text;
use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat};

/// A link annotation on a page, with the tag of the slot it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct Annotation {
    /// The 0-based page it is on.
    pub page: usize,
    /// The annotation's object.
    pub object: ObjectId,
    /// Its slot.
    pub tag: Tag,
}

/// What a content slot holds, in order.
#[derive(Debug, Clone, Copy)]
enum Content {
    /// Marked content: its page and its number there.
    Marked { page: usize, mcid: usize },
    /// An annotation on a page.
    Annotation { page: usize, object: ObjectId },
}

/// Writes the structure tree of `parts` into `doc` and marks the document
/// as tagged. `marks` gives, for each page, the slot of each of its marked
/// content sequences by MCID (the page's part's slots); `annotations` are
/// the link annotations with the slots they belong to.
pub fn write(
    doc: &mut Document,
    page_ids: &[ObjectId],
    parts: &[Part],
    marks: &[Vec<u32>],
    annotations: &[Annotation],
) {
    let root = doc.new_object_id();
    let document = doc.new_object_id();
    let mut parent_tree: Vec<Object> = Vec::new();
    let mut document_kids = Vec::new();
    // The parent tree's entries for annotations come after the pages'.
    let mut annotation_parents: Vec<(ObjectId, ObjectId)> = Vec::new();
    // Each part's annotations, found once.
    let mut part_annotations: Vec<Vec<&Annotation>> = vec![Vec::new(); parts.len()];
    for annotation in annotations {
        if let Some(index) = part_of(parts, annotation.page) {
            part_annotations[index].push(annotation);
        }
    }
    let mut pending = Vec::with_capacity(parts.len());
    for (part, part_annotations) in parts.iter().zip(&part_annotations) {
        let s = &part.structure;
        let mut slots: Vec<Vec<Content>> = vec![Vec::new(); s.slots as usize];
        let end = (part.first_page + part.pages).min(page_ids.len());
        for page in part.first_page..end {
            for (mcid, &slot) in marks.get(page).into_iter().flatten().enumerate() {
                if let Some(list) = slots.get_mut(slot as usize) {
                    list.push(Content::Marked { page, mcid });
                }
            }
        }
        for annotation in part_annotations {
            if let Tag::Content(slot) = annotation.tag
                && let Some(list) = slots.get_mut(slot as usize)
            {
                list.push(Content::Annotation {
                    page: annotation.page,
                    object: annotation.object,
                });
            }
        }
        // An element with nothing on any page (an empty heading) is left
        // out. Kids come after their parents, so one pass from the end
        // finds them.
        let mut empty = vec![true; s.elements.len()];
        for (e, element) in s.elements.iter().enumerate().rev() {
            empty[e] = element.kids.iter().all(|kid| match *kid {
                Kid::Element(child) => empty[child as usize],
                Kid::Content(slot) => slots[slot as usize].is_empty(),
            });
        }
        let ids: Vec<Option<ObjectId>> = empty
            .iter()
            .map(|&empty| (!empty).then(|| doc.new_object_id()))
            .collect();
        // Each slot's element, for the parent tree.
        let mut owner = vec![document; s.slots as usize];
        let mut parents = vec![document; s.elements.len()];
        for (e, element) in s.elements.iter().enumerate() {
            let Some(id) = ids[e] else { continue };
            for kid in &element.kids {
                match *kid {
                    Kid::Element(child) => parents[child as usize] = id,
                    Kid::Content(slot) => owner[slot as usize] = id,
                }
            }
        }
        document_kids.extend(
            s.roots
                .iter()
                .filter_map(|&r| ids[r as usize])
                .map(Object::Reference),
        );
        for (slot, list) in slots.iter().enumerate() {
            for content in list {
                if let Content::Annotation { object, .. } = content {
                    annotation_parents.push((*object, owner[slot]));
                }
            }
        }
        pending.push(Pending {
            structure: s,
            slots,
            ids,
            parents,
        });
        // Each page's parent-tree entry: the element of each MCID.
        let pages = page_ids.iter().zip(marks);
        for (&page_id, page_marks) in pages.skip(part.first_page).take(end - part.first_page) {
            if page_marks.is_empty() {
                continue;
            }
            let key = parent_tree.len() / 2;
            let elements: Vec<Object> = page_marks
                .iter()
                .map(|&slot| {
                    Object::Reference(owner.get(slot as usize).copied().unwrap_or(document))
                })
                .collect();
            parent_tree.push(Object::Integer(key as i64));
            parent_tree.push(Object::Array(elements));
            if let Ok(dict) = doc.get_dictionary_mut(page_id) {
                dict.set("StructParents", key as i64);
            }
        }
    }
    // The elements' dictionaries, most of the tree's work, are made on the
    // build's threads, each part's alone, and put in the document in order.
    let made = crate::workers::map(&pending, |part| {
        let elements = part.structure.elements.iter().enumerate();
        elements
            .filter_map(|(e, element)| {
                let id = part.ids[e]?;
                let dict = element_dict(element, part.parents[e], page_ids, &part.ids, &part.slots);
                Some((id, Object::Dictionary(dict)))
            })
            .collect::<Vec<_>>()
    });
    for dicts in made {
        doc.objects.extend(dicts);
    }
    for (annotation, element) in annotation_parents {
        let key = parent_tree.len() / 2;
        parent_tree.push(Object::Integer(key as i64));
        parent_tree.push(Object::Reference(element));
        if let Ok(dict) = doc.get_dictionary_mut(annotation) {
            dict.set("StructParent", key as i64);
        }
    }
    let next_key = parent_tree.len() / 2;
    doc.objects.insert(
        document,
        Object::Dictionary(Dictionary::from_iter([
            ("Type", Object::Name(b"StructElem".to_vec())),
            ("S", Object::Name(b"Document".to_vec())),
            ("P", Object::Reference(root)),
            ("K", Object::Array(document_kids)),
        ])),
    );
    let parent_tree = doc.add_object(Dictionary::from_iter([(
        "Nums",
        Object::Array(parent_tree),
    )]));
    let role_map =
        Dictionary::from_iter([(Role::CodeBlock.name(), Object::Name(b"Code".to_vec()))]);
    doc.objects.insert(
        root,
        Object::Dictionary(Dictionary::from_iter([
            ("Type", Object::Name(b"StructTreeRoot".to_vec())),
            ("K", Object::Reference(document)),
            ("ParentTree", Object::Reference(parent_tree)),
            ("ParentTreeNextKey", Object::Integer(next_key as i64)),
            ("RoleMap", Object::Dictionary(role_map)),
        ])),
    );
    if let Ok(catalog) = doc.catalog_mut() {
        catalog.set("StructTreeRoot", Object::Reference(root));
        catalog.set(
            "MarkInfo",
            Dictionary::from_iter([("Marked", Object::Boolean(true))]),
        );
    }
}

/// A part's elements, their dictionaries still to make: what each content
/// slot holds, each element's object (none for an empty one) and parent.
struct Pending<'a> {
    structure: &'a Structure,
    slots: Vec<Vec<Content>>,
    ids: Vec<Option<ObjectId>>,
    parents: Vec<ObjectId>,
}

/// The index of the part page `page` is in.
fn part_of(parts: &[Part], page: usize) -> Option<usize> {
    let after = parts.partition_point(|p| p.first_page <= page);
    let index = after.checked_sub(1)?;
    (page < parts[index].first_page + parts[index].pages).then_some(index)
}

/// One element's dictionary. Its page (`/Pg`) is that of its first marked
/// content, and marked content on that page is given by its MCID alone.
fn element_dict(
    element: &Element,
    parent: ObjectId,
    page_ids: &[ObjectId],
    ids: &[Option<ObjectId>],
    slots: &[Vec<Content>],
) -> Dictionary {
    let first_page = element.kids.iter().find_map(|kid| match kid {
        Kid::Content(slot) => slots[*slot as usize].iter().find_map(|c| match c {
            Content::Marked { page, .. } => Some(*page),
            Content::Annotation { .. } => None,
        }),
        Kid::Element(_) => None,
    });
    let mut kids = Vec::new();
    for kid in &element.kids {
        match *kid {
            Kid::Element(child) => kids.extend(ids[child as usize].map(Object::Reference)),
            Kid::Content(slot) => {
                for content in &slots[slot as usize] {
                    kids.push(match *content {
                        Content::Marked { page, mcid } if Some(page) == first_page => {
                            Object::Integer(mcid as i64)
                        }
                        Content::Marked { page, mcid } => {
                            Object::Dictionary(Dictionary::from_iter([
                                ("Type", Object::Name(b"MCR".to_vec())),
                                ("Pg", Object::Reference(page_ids[page])),
                                ("MCID", Object::Integer(mcid as i64)),
                            ]))
                        }
                        Content::Annotation { page, object } => {
                            Object::Dictionary(Dictionary::from_iter([
                                ("Type", Object::Name(b"OBJR".to_vec())),
                                ("Pg", Object::Reference(page_ids[page])),
                                ("Obj", Object::Reference(object)),
                            ]))
                        }
                    });
                }
            }
        }
    }
    // A single kid stands alone, as most elements have one.
    let kids = match <[Object; 1]>::try_from(kids) {
        Ok([kid]) => kid,
        Err(kids) => Object::Array(kids),
    };
    let mut dict = Dictionary::from_iter([
        ("Type", Object::Name(b"StructElem".to_vec())),
        ("S", Object::Name(element.role.name().as_bytes().to_vec())),
        ("P", Object::Reference(parent)),
        ("K", kids),
    ]);
    if let Some(page) = first_page {
        dict.set("Pg", Object::Reference(page_ids[page]));
    }
    if let Some(alt) = &element.alt {
        dict.set("Alt", text(alt));
    }
    if let Some(lang) = &element.lang {
        dict.set("Lang", text(lang));
    }
    if let Some(id) = &element.id {
        dict.set(
            "ID",
            Object::String(id.as_bytes().to_vec(), StringFormat::Literal),
        );
    }
    if element.role == Role::TH {
        dict.set(
            "A",
            Dictionary::from_iter([
                ("O", Object::Name(b"Table".to_vec())),
                ("Scope", Object::Name(b"Column".to_vec())),
            ]),
        );
    }
    dict
}
