//! Tagged PDF: what each piece of a page is, for readers that cannot see it.
//!
//! A chapter's layout builds a [`Structure`] beside its pages: a tree of
//! structure elements (a section, its headings, paragraphs, lists, tables,
//! figures, notes…) in the manuscript's order. The tree's leaves are
//! content slots, and every text run or image the layout places carries the
//! [`Tag`] of the slot it belongs to, or says it is an artifact (running
//! heads, folios, rules, frames, ornaments). The writer then wraps each
//! run in a marked-content sequence numbered per page and turns the trees
//! into the PDF's structure tree (`tree.rs`). Nothing here knows a page's
//! place in the book, so a chapter's structure stays a function of the
//! chapter alone.

mod tree;

pub use tree::{Annotation, write};

use crate::model::HeadingLevel;
use serde::{Deserialize, Serialize};

/// What an item on a page is: the content of a slot of its part's
/// [`Structure`], or an artifact that is not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Tag {
    /// Decoration or furniture: running heads, folios, ornaments.
    Artifact,
    /// Content of this slot of its part's structure.
    Content(u32),
}

/// A structure element's type, as PDF names it (ISO 32000-1, 14.8.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// A chapter, a FAQ group or a FAQ question.
    Sect,
    /// A heading at its level.
    Heading(HeadingLevel),
    /// A paragraph.
    P,
    /// A block quotation.
    BlockQuote,
    /// A list, its items, their markers and bodies.
    L,
    /// A list item.
    LI,
    /// A list item's marker.
    Lbl,
    /// A list item's content.
    LBody,
    /// A table and its parts.
    Table,
    /// The header rows.
    THead,
    /// The body rows.
    TBody,
    /// A row.
    TR,
    /// A header cell (with the column as its scope).
    TH,
    /// A data cell.
    TD,
    /// An image with its alternative text.
    Figure,
    /// A figure's or a code listing's caption.
    Caption,
    /// A group of blocks: a code listing with its file name and caption.
    Div,
    /// A code block: `CodeBlock`, mapped to `Code` in the role map.
    CodeBlock,
    /// A link: its text and the annotation that makes it clickable.
    Link,
    /// A passage in another language than the book's.
    Span,
    /// A footnote.
    Note,
    /// A footnote's mark in the text.
    Reference,
    /// The contents page and its entries.
    Toc,
    /// An entry of the contents.
    Toci,
}

impl Role {
    /// The name PDF gives the type.
    pub fn name(self) -> &'static str {
        match self {
            Role::Sect => "Sect",
            Role::Heading(level) => match level {
                HeadingLevel::H1 => "H1",
                HeadingLevel::H2 => "H2",
                HeadingLevel::H3 => "H3",
                HeadingLevel::H4 => "H4",
                HeadingLevel::H5 => "H5",
                HeadingLevel::H6 => "H6",
            },
            Role::P => "P",
            Role::BlockQuote => "BlockQuote",
            Role::L => "L",
            Role::LI => "LI",
            Role::Lbl => "Lbl",
            Role::LBody => "LBody",
            Role::Table => "Table",
            Role::THead => "THead",
            Role::TBody => "TBody",
            Role::TR => "TR",
            Role::TH => "TH",
            Role::TD => "TD",
            Role::Figure => "Figure",
            Role::Caption => "Caption",
            Role::Div => "Div",
            Role::CodeBlock => "CodeBlock",
            Role::Link => "Link",
            Role::Span => "Span",
            Role::Note => "Note",
            Role::Reference => "Reference",
            Role::Toc => "TOC",
            Role::Toci => "TOCI",
        }
    }
}

/// A structure element: its type, what it says besides its content, and
/// its kids in reading order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Element {
    /// Its type.
    pub role: Role,
    /// Alternative text (a figure's).
    pub alt: Option<String>,
    /// The element's id (a note's, for the references that point to it).
    pub id: Option<String>,
    /// The language of its text, when not the book's (a BCP 47 tag).
    pub lang: Option<String>,
    /// Its kids in reading order.
    pub kids: Vec<Kid>,
}

impl Element {
    /// An element of type `role` with nothing in it yet.
    pub fn new(role: Role) -> Element {
        Element {
            role,
            alt: None,
            id: None,
            lang: None,
            kids: Vec::new(),
        }
    }
}

/// A kid of a structure element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kid {
    /// Another element, by its index in the part's [`Structure`].
    Element(u32),
    /// A content slot: the runs (and annotations) tagged with it, in order.
    Content(u32),
}

/// The structure of one part of the book (a chapter, or the front matter),
/// built as its layout goes: elements are opened and closed around what is
/// placed, and each placed run asks for its [`Tag`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Structure {
    /// Every element, in the order opened.
    pub elements: Vec<Element>,
    /// The elements that have no parent in this part, in order.
    pub roots: Vec<u32>,
    /// How many content slots there are.
    pub slots: u32,
    /// The elements open now, innermost last.
    open: Vec<u32>,
    /// How deep inside artifacts the layout is.
    artifact: u32,
    /// The inline element (a link, a passage) content went into last, by
    /// the key its placer gave it, while nothing else has come since.
    inline: Option<(u64, u32)>,
}

/// Where a [`Structure`] stood, to go back to ([`Structure::rewind`]).
#[derive(Debug, Clone, PartialEq)]
pub struct StructureMark {
    elements: usize,
    roots: usize,
    slots: u32,
    /// The elements open then, each with its count of kids.
    open: Vec<(u32, usize)>,
    inline: Option<(u64, u32)>,
}

impl Structure {
    /// Where the structure stands now.
    pub fn mark(&self) -> StructureMark {
        StructureMark {
            elements: self.elements.len(),
            roots: self.roots.len(),
            slots: self.slots,
            open: self
                .open
                .iter()
                .map(|&e| (e, self.elements[e as usize].kids.len()))
                .collect(),
            inline: self.inline,
        }
    }

    /// Goes back to where it stood at `mark`, forgetting every element and
    /// slot made since. Elements closed since `mark` that were open then
    /// are open again; the artifact depth is left as it is.
    pub fn rewind(&mut self, mark: &StructureMark) {
        self.elements.truncate(mark.elements);
        self.roots.truncate(mark.roots);
        self.slots = mark.slots;
        self.open.clear();
        for &(element, kids) in &mark.open {
            self.elements[element as usize].kids.truncate(kids);
            self.open.push(element);
        }
        self.inline = mark.inline;
    }

    /// Opens an element of type `role` inside the one open now.
    pub fn open(&mut self, role: Role) -> u32 {
        self.open_element(Element::new(role))
    }

    /// Opens `element` inside the one open now.
    pub fn open_element(&mut self, element: Element) -> u32 {
        self.inline = None;
        let index = self.elements.len() as u32;
        self.elements.push(element);
        match self.open.last() {
            Some(&parent) => self.elements[parent as usize]
                .kids
                .push(Kid::Element(index)),
            None => self.roots.push(index),
        }
        self.open.push(index);
        index
    }

    /// Closes the innermost open element.
    pub fn close(&mut self) {
        self.inline = None;
        self.open.pop();
    }

    /// Closes elements until `element` is closed too.
    pub fn close_to(&mut self, element: u32) {
        self.inline = None;
        while let Some(open) = self.open.pop() {
            if open == element {
                break;
            }
        }
    }

    /// Starts (`true`) or ends (`false`) a stretch of artifacts: what is
    /// placed inside it is not read.
    pub fn artifacts(&mut self, on: bool) {
        if on {
            self.artifact += 1;
        } else {
            self.artifact = self.artifact.saturating_sub(1);
        }
    }

    /// The tag for content placed now: the innermost open element's last
    /// slot if nothing came after it, else a new one. Outside any element,
    /// or inside an artifact stretch, content is an artifact.
    pub fn tag(&mut self) -> Tag {
        if self.artifact > 0 {
            return Tag::Artifact;
        }
        let Some(&element) = self.open.last() else {
            return Tag::Artifact;
        };
        self.inline = None;
        self.slot_in(element)
    }

    /// The tag for content of an inline element (a link, a passage in
    /// another language) inside the open one: the element content with the
    /// same `key` went into, if nothing came between, else a new one made
    /// by `element`. Keys are the placer's own, unique within the element
    /// open now.
    pub fn inline(&mut self, key: u64, element: impl FnOnce() -> Element) -> Tag {
        if self.artifact > 0 || self.open.is_empty() {
            return Tag::Artifact;
        }
        let index = match self.inline {
            Some((open, index)) if open == key => index,
            _ => {
                let index = self.open_element(element());
                self.open.pop();
                index
            }
        };
        self.inline = Some((key, index));
        self.slot_in(index)
    }

    /// The tag for content of `element`, open or not.
    pub fn slot_in(&mut self, element: u32) -> Tag {
        let kids = &mut self.elements[element as usize].kids;
        if let Some(Kid::Content(slot)) = kids.last() {
            return Tag::Content(*slot);
        }
        let slot = self.slots;
        self.slots += 1;
        kids.push(Kid::Content(slot));
        Tag::Content(slot)
    }

    /// A new element of type `role` inside the open one, holding one slot,
    /// left closed: a footnote mark, a link.
    pub fn leaf(&mut self, role: Role) -> Tag {
        let element = self.open(role);
        self.close();
        self.slot_in(element)
    }
}

/// One part's structure and the pages it is on.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// The index of its first page in the book.
    pub first_page: usize,
    /// How many pages follow from there.
    pub pages: usize,
    /// Its structure.
    pub structure: Structure,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_follow_the_reading_order() {
        let mut s = Structure::default();
        assert_eq!(s.tag(), Tag::Artifact);
        let section = s.open(Role::Sect);
        s.open(Role::P);
        let first = s.tag();
        assert_eq!(s.tag(), first);
        let link = s.leaf(Role::Link);
        assert_ne!(link, first);
        let after = s.tag();
        assert_ne!(after, first);
        s.artifacts(true);
        assert_eq!(s.tag(), Tag::Artifact);
        s.artifacts(false);
        s.close_to(section);
        assert_eq!(s.tag(), Tag::Artifact);
        assert_eq!(s.roots, vec![section]);
        assert_eq!(s.slots, 3);
        assert_eq!(
            s.elements[1].kids,
            vec![Kid::Content(0), Kid::Element(2), Kid::Content(2)]
        );
    }
}
