//! Fonts: the faces a book is set in, shaping with rustybuzz, fallback for
//! characters the book face lacks, and a cache of shaped words.
//!
//! A book repeats its words: some 20,000 distinct words make up 500,000
//! running ones, so each (style, word) pair is shaped once and shared. The
//! glyphs of all shaped words sit side by side in one store, and a word is
//! known by its [`WordId`]: setting a paragraph copies small ids and ranges,
//! not pointers to thousands of separate allocations.

use rustybuzz::ttf_parser::{GlyphId, name_id};
use rustybuzz::{Face, Feature, ShapePlan, UnicodeBuffer};
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

/// A map from words, hashed with a fast non-cryptographic hash: the word
/// caches are looked up once per running word, and the keys are not
/// chosen by an attacker.
pub type WordMap<V> = HashMap<String, V, BuildHasherDefault<WordHasher>>;

/// FxHash's multiply-and-rotate, eight bytes at a time.
#[derive(Debug, Clone, Copy, Default)]
pub struct WordHasher(u64);

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut buf = [0; 8];
            buf.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(buf));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The book face (Linux Libertine O), its monospace companion (DejaVu Sans
/// Mono, upright, bold and oblique, for highlighted code), the fallback
/// (DejaVu Serif) and the monospace fallback (Noto Mono, which has
/// characters DejaVu Sans Mono lacks), compiled in so that bindery works
/// anywhere.
const BUILT_IN: [&[u8]; FACES] = [
    include_bytes!("../../fonts/LinLibertine_R.otf"),
    include_bytes!("../../fonts/LinLibertine_RI.otf"),
    include_bytes!("../../fonts/LinLibertine_RB.otf"),
    include_bytes!("../../fonts/LinLibertine_RBI.otf"),
    include_bytes!("../../fonts/DejaVuSansMono.ttf"),
    include_bytes!("../../fonts/DejaVuSerif.ttf"),
    include_bytes!("../../fonts/DejaVuSansMono-Bold.ttf"),
    include_bytes!("../../fonts/DejaVuSansMono-Oblique.ttf"),
    include_bytes!("../../fonts/NotoMono-Regular.ttf"),
];

/// How many faces a book is set with.
pub const FACES: usize = 9;

/// How many styles there are.
const STYLES: usize = 7;

/// The style a run of text is set in; each style is one face.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Style {
    /// Upright book face.
    Regular,
    /// Italic, for emphasis.
    Italic,
    /// Bold, for strong emphasis and headings.
    Bold,
    /// Bold italic.
    BoldItalic,
    /// Monospace, for code: no kerning, no ligatures.
    Mono,
    /// Bold monospace, for highlighted code.
    MonoBold,
    /// Oblique monospace, for highlighted code.
    MonoItalic,
}

impl Style {
    /// The style with emphasis added: italic becomes upright again, as
    /// typographers do with emphasis inside emphasis.
    pub fn emphasised(self) -> Style {
        match self {
            Style::Regular => Style::Italic,
            Style::Italic => Style::Regular,
            Style::Bold => Style::BoldItalic,
            Style::BoldItalic => Style::Bold,
            mono => mono,
        }
    }

    /// The style with strong emphasis added.
    pub fn strong(self) -> Style {
        match self {
            Style::Regular | Style::Bold => Style::Bold,
            Style::Italic | Style::BoldItalic => Style::BoldItalic,
            mono => mono,
        }
    }

    /// Whether this is a monospaced style, for code.
    pub fn is_mono(self) -> bool {
        matches!(self, Style::Mono | Style::MonoBold | Style::MonoItalic)
    }

    /// The face that sets this style.
    pub fn face(self) -> FaceId {
        match self {
            Style::MonoBold => FaceId(6),
            Style::MonoItalic => FaceId(7),
            other => FaceId(other as u8),
        }
    }
}

/// One face of a [`Fonts`]: the five styles in [`Style`] order, the
/// fallback, monospace bold and oblique, and the monospace fallback.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct FaceId(pub u8);

/// The fallback face, used for characters the style's face lacks.
pub const FALLBACK: FaceId = FaceId(5);

/// The monospace fallback, for characters a monospace face lacks, before
/// [`FALLBACK`].
pub const MONO_FALLBACK: FaceId = FaceId(8);

impl FaceId {
    /// The face's key in `book.toml`'s `[pdf] fonts`: `regular`, `italic`,
    /// `bold`, `bold-italic`, `mono`, `fallback`, `mono-bold`,
    /// `mono-italic` or `mono-fallback`.
    pub fn name(self) -> &'static str {
        [
            "regular",
            "italic",
            "bold",
            "bold-italic",
            "mono",
            "fallback",
            "mono-bold",
            "mono-italic",
            "mono-fallback",
        ]
        .get(usize::from(self.0))
        .copied()
        .unwrap_or("")
    }
}

/// The font files a book is set with: one per style plus the fallbacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontFiles {
    /// The files in [`FaceId`] order: regular, italic, bold, bold italic,
    /// monospace, fallback, monospace bold and oblique, monospace fallback.
    pub faces: [Cow<'static, [u8]>; FACES],
}

impl Default for FontFiles {
    /// The faces compiled into bindery.
    fn default() -> Self {
        FontFiles {
            faces: BUILT_IN.map(Cow::Borrowed),
        }
    }
}

/// One glyph of shaped text. Lengths are in ems of the font size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    /// The face the glyph comes from.
    pub face: FaceId,
    /// The glyph's id in that face.
    pub gid: u16,
    /// How far the pen moves after the glyph, kerning included.
    pub advance: f32,
    /// How far the glyph is drawn to the right of the pen, without moving it.
    pub offset: f32,
    /// Byte offset in the shaped text where the glyph's characters start.
    pub cluster: u32,
}

/// A shaped word: an index into the words of a [`Fonts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordId(u32);

/// A word (or any run of text without spaces) shaped once and shared.
///
/// The record fills one 64-byte cache line and starts on one: the cache
/// visits it once per running word, so everything a lookup touches (the
/// text to check, the glyphs, the width, the hyphenation) comes in with a
/// single memory access. The rare characters no face has live beside it,
/// in [`Fonts::missing`].
#[derive(Debug, Clone, PartialEq, Default)]
#[repr(align(64))]
pub struct Shaped {
    /// Where its glyphs, in visual order, are in the store of
    /// [`Fonts::store`].
    pub glyphs: Range<usize>,
    /// The sum of the advances, in ems.
    pub width: f32,
    /// Whether some characters have no face to draw them ([`Fonts::missing`]).
    has_missing: bool,
    /// The text that was shaped.
    pub text: ShapedText,
    /// Where the word may be hyphenated: bit `i` set when a hyphen may go
    /// before glyph `i`. The paragraph setter fills this in the first time
    /// it needs it, so that a word repeated through the book is hyphenated
    /// once, like it is shaped once; kept in the record, it costs no memory
    /// access of its own. A word of more than 64 glyphs has no room here
    /// and is hyphenated each time.
    pub hyphenation: std::cell::OnceCell<u64>,
}

/// How many bytes of a word's text are kept inline: as many as keep a
/// [`Shaped`] within 64 bytes.
const INLINE: usize = 22;

/// The text of a shaped word: inline when it is short, as most words are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShapedText {
    /// Up to 22 bytes (most words), stored in place.
    Inline {
        /// How many of the bytes are used.
        len: u8,
        /// The UTF-8 bytes.
        bytes: [u8; INLINE],
    },
    /// Longer texts.
    Heap(Box<str>),
}

impl Default for ShapedText {
    fn default() -> Self {
        ShapedText::Inline {
            len: 0,
            bytes: [0; INLINE],
        }
    }
}

impl ShapedText {
    fn new(text: &str) -> ShapedText {
        match u8::try_from(text.len()) {
            Ok(len) if text.len() <= INLINE => {
                let mut bytes = [0; INLINE];
                bytes[..text.len()].copy_from_slice(text.as_bytes());
                ShapedText::Inline { len, bytes }
            }
            _ => ShapedText::Heap(text.into()),
        }
    }

    /// Whether this is `text`.
    pub fn matches(&self, text: &str) -> bool {
        match self {
            ShapedText::Inline { len, bytes } => &bytes[..usize::from(*len)] == text.as_bytes(),
            ShapedText::Heap(own) => **own == *text,
        }
    }
}

/// The loaded faces, their shaping plans and the word cache.
pub struct Fonts<'a> {
    faces: Vec<Face<'a>>,
    data: &'a FontFiles,
    /// Shaping plans per face and script; building one costs more than
    /// shaping a word, so they are made once.
    plans: HashMap<
        (FaceId, rustybuzz::Script, rustybuzz::Direction),
        ShapePlan,
        BuildHasherDefault<WordHasher>,
    >,
    /// Shaped words per style, by the hash of their text.
    cache: [WordTable; STYLES],
    /// Every word shaped, in the order it was first shaped.
    words: Vec<Shaped>,
    /// The glyphs of every word shaped, one word after the other.
    store: Vec<Glyph>,
    /// The text each glyph stands for, for the PDF's ToUnicode maps: a
    /// ligature maps back to all its letters.
    texts: Vec<Vec<Option<Box<str>>>>,
    /// The glyphs whose text was recorded since [`Fonts::take_glyph_texts`].
    recorded: Vec<(FaceId, u16)>,
    buffer: Option<UnicodeBuffer>,
    /// Scratch space for a run's clusters, kept to save an allocation per word shaped.
    clusters: Vec<usize>,
    /// The characters no face can draw, for the few words that have some.
    missing: HashMap<u32, Box<[char]>>,
    /// The space and the hyphen of each style, asked for at every word.
    marks: [[Option<WordId>; 2]; STYLES],
    /// Per style, last letter and closing mark: the letter's glyph when the
    /// two shaped together give the glyphs each gives alone, so that a word
    /// ending in the mark can be put together from the word and the mark.
    separable: HashMap<(Style, char, char), Option<u16>, BuildHasherDefault<WordHasher>>,
}

/// The text a glyph stands for, as recorded by the fonts that shaped it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GlyphText {
    /// The glyph's face.
    pub face: FaceId,
    /// The glyph's id in it.
    pub gid: u16,
    /// The characters it stands for.
    pub text: Box<str>,
}

/// Shaped words of one style by the hash of their text: open addressing
/// over 8-byte slots, probed in order. A slot holds the high half of the
/// word's hash and its id plus one (0 is an empty slot). The high half
/// picks the slot, so growing the table needs no other hash, and the bits
/// it keeps beyond the slot number rule out nearly every other word without
/// a look at its record. The slots of a long book (some 40,000 words) take
/// half a megabyte, half what a general map takes: they stay in the
/// processor's second-level cache, and a look-up reads one cache line.
#[derive(Default)]
struct WordTable {
    slots: Vec<u64>,
    /// How many slots are used.
    len: usize,
    /// log2 of the number of slots (0 before the first insert).
    bits: u32,
}

impl WordTable {
    /// The first id stored under `hash` for which `is` holds.
    fn find(&self, hash: u64, mut is: impl FnMut(WordId) -> bool) -> Option<WordId> {
        if self.slots.is_empty() {
            return None;
        }
        let tag = hash >> 32;
        let mask = self.slots.len() - 1;
        let mut i = self.home(tag);
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                return None;
            }
            if slot >> 32 == tag {
                let id = WordId((slot as u32).wrapping_sub(1));
                if is(id) {
                    return Some(id);
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds `id` under `hash`, growing the table to keep it at most three
    /// quarters full.
    fn insert(&mut self, hash: u64, id: WordId) {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        self.place((hash >> 32) << 32 | u64::from(id.0.wrapping_add(1)));
        self.len += 1;
    }

    /// The slot a tag's probe starts at: its top `bits` bits.
    fn home(&self, tag: u64) -> usize {
        (tag >> (32 - self.bits)) as usize
    }

    /// Puts a full slot in the first free place from its home.
    fn place(&mut self, slot: u64) {
        let mask = self.slots.len() - 1;
        let mut i = self.home(slot >> 32);
        while self.slots[i] != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = slot;
    }

    fn grow(&mut self) {
        self.bits = (self.bits + 1).max(10);
        let old = std::mem::replace(&mut self.slots, vec![0; 1 << self.bits]);
        for slot in old.into_iter().filter(|&s| s != 0) {
            self.place(slot);
        }
    }
}

/// Marks that often close a word ("word," "word." "word”"): a word ending in
/// one is put together from the shaped word and the shaped mark when the
/// font does not kern or join the two, so that "word", "word," and "word."
/// are shaped once between them.
const CLOSING: [char; 9] = [',', '.', ';', ':', '!', '?', ')', '”', '’'];

/// Why a font file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadFont {
    /// Which face failed, in [`FaceId`] order.
    pub face: FaceId,
}

impl<'a> Fonts<'a> {
    /// Parses the faces; fails when one is not an OpenType or TrueType font.
    pub fn new(data: &'a FontFiles) -> Result<Fonts<'a>, BadFont> {
        let faces = data
            .faces
            .iter()
            .enumerate()
            .map(|(i, bytes)| {
                Face::from_slice(bytes, 0).ok_or(BadFont {
                    face: FaceId(i as u8),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let texts = faces
            .iter()
            .map(|f| vec![None; usize::from(f.number_of_glyphs())])
            .collect();
        Ok(Fonts {
            faces,
            data,
            plans: HashMap::default(),
            cache: Default::default(),
            words: Vec::new(),
            store: Vec::new(),
            texts,
            recorded: Vec::new(),
            buffer: None,
            clusters: Vec::new(),
            missing: HashMap::new(),
            marks: Default::default(),
            separable: HashMap::default(),
        })
    }

    /// Fonts with the same faces and nothing shaped yet, for another
    /// thread to set part of the book with.
    pub fn fresh(&self) -> Fonts<'a> {
        Fonts {
            faces: self.faces.clone(),
            data: self.data,
            plans: HashMap::default(),
            cache: Default::default(),
            words: Vec::new(),
            store: Vec::new(),
            texts: self.texts.iter().map(|t| vec![None; t.len()]).collect(),
            recorded: Vec::new(),
            buffer: None,
            clusters: Vec::new(),
            missing: HashMap::new(),
            marks: Default::default(),
            separable: HashMap::default(),
        }
    }

    /// The texts of the glyphs recorded since the last call, in the order
    /// they were recorded: what laying out one chapter taught these fonts.
    pub fn take_glyph_texts(&mut self) -> Vec<GlyphText> {
        let texts = &self.texts;
        self.recorded
            .drain(..)
            .filter_map(|(face, gid)| {
                let text = texts[usize::from(face.0)][usize::from(gid)].clone()?;
                Some(GlyphText { face, gid, text })
            })
            .collect()
    }

    /// Forgets every glyph's text, and what depends on it, but keeps the
    /// shaped words: from here on these fonts record the glyph texts fresh
    /// fonts would, for the next chapter, while shaping each word once per
    /// book. A word taken from the cache whose glyphs are not all recorded
    /// again is shaped again for its texts ([`Fonts::shape`]).
    pub fn forget_glyph_texts(&mut self) {
        for texts in &mut self.texts {
            texts.fill(None);
        }
        self.recorded.clear();
        self.marks = Default::default();
        self.separable.clear();
    }

    /// Whether shaping `text` (shaped before as `id`) anew would record
    /// nothing: each of its glyphs has its text, and a word ending in a
    /// closing mark would not ask whether the mark is separable.
    fn recorded_all(&self, id: WordId, text: &str, style: Style) -> bool {
        let recorded = |g: &Glyph| {
            self.texts[usize::from(g.face.0)]
                .get(usize::from(g.gid))
                .is_none_or(Option::is_some)
        };
        let asks = || {
            let mut chars = text.chars();
            let mark = chars.next_back().filter(|c| CLOSING.contains(c));
            match (chars.next_back(), mark) {
                (Some(last), Some(mark)) => !self.separable.contains_key(&(style, last, mark)),
                _ => false,
            }
        };
        self.glyphs(id).iter().all(recorded) && !asks()
    }

    /// Records the glyph texts of `text` as shaping it for the first time
    /// would: it is shaped again, and the copy is dropped.
    fn record_again(&mut self, text: &str, style: Style) {
        let again = self.shape_uncached(text, style);
        debug_assert_eq!(again.0 as usize + 1, self.words.len());
        let start = self.words[again.0 as usize].glyphs.start;
        self.words.pop();
        self.store.truncate(start);
        self.missing.remove(&again.0);
    }

    /// Records each of `texts` for a glyph that has none yet. Fonts that
    /// learn every chapter's [`Fonts::take_glyph_texts`] in book order know
    /// what one pass through the whole book would have recorded, each
    /// glyph's text from the first word in the book that showed it, as long
    /// as the fonts that set a chapter had set only chapters before it. A
    /// word they shaped again, not knowing the chapter where it first came,
    /// shows only glyphs that chapter recorded.
    pub fn learn_glyph_texts(&mut self, texts: Vec<GlyphText>) {
        for GlyphText { face, gid, text } in texts {
            if let Some(slot) = self.texts[usize::from(face.0)].get_mut(usize::from(gid))
                && slot.is_none()
            {
                *slot = Some(text);
            }
        }
    }

    /// Shapes `text` in `style`, from the cache when it was shaped before.
    pub fn shape(&mut self, text: &str, style: Style) -> WordId {
        // The cache is keyed by a 64-bit hash of the text; the word's record
        // keeps the text (inline when short, so checking it costs no extra
        // memory access) and a hit counts only when the text matches.
        let mut hasher = WordHasher::default();
        hasher.write(text.as_bytes());
        let hash = hasher.finish();
        let words = &self.words;
        let found =
            self.cache[style as usize].find(hash, |id| words[id.0 as usize].text.matches(text));
        if let Some(hit) = found {
            if !self.recorded_all(hit, text, style) {
                self.record_again(text, style);
            }
            return hit;
        }
        let shaped = self.shape_uncached(text, style);
        self.cache[style as usize].insert(hash, shaped);
        shaped
    }

    /// A shaped word.
    pub fn word(&self, id: WordId) -> &Shaped {
        &self.words[id.0 as usize]
    }

    /// Characters of a shaped word that no face can draw: they are set as
    /// the book face's missing-glyph box, and the caller reports them with
    /// their place.
    pub fn missing(&self, id: WordId) -> &[char] {
        if !self.word(id).has_missing {
            return &[];
        }
        self.missing.get(&id.0).map_or(&[], |m| m)
    }

    /// A shaped word's glyphs.
    pub fn glyphs(&self, id: WordId) -> &[Glyph] {
        &self.store[self.word(id).glyphs.clone()]
    }

    /// The glyphs of every word shaped, where [`Shaped::glyphs`] points.
    pub fn store(&self) -> &[Glyph] {
        &self.store
    }

    /// The word space of a style, shaped.
    pub fn space(&mut self, style: Style) -> WordId {
        self.mark(style, 0, " ")
    }

    /// The hyphen added at a line's end, shaped.
    pub fn hyphen(&mut self, style: Style) -> WordId {
        self.mark(style, 1, "-")
    }

    fn mark(&mut self, style: Style, slot: usize, text: &str) -> WordId {
        if let Some(hit) = self.marks[style as usize][slot] {
            return hit;
        }
        let shaped = self.shape(text, style);
        self.marks[style as usize][slot] = Some(shaped);
        shaped
    }

    /// How many distinct (style, text) pairs have been shaped.
    pub fn shaped_count(&self) -> usize {
        self.cache.iter().map(|c| c.len).sum()
    }

    /// The file a face was loaded from.
    pub fn bytes(&self, face: FaceId) -> &'a [u8] {
        &self.data.faces[face.0 as usize]
    }

    /// The text a glyph stands for, as recorded while shaping.
    pub fn glyph_text(&self, face: FaceId, gid: u16) -> Option<&str> {
        self.texts
            .get(usize::from(face.0))
            .and_then(|t| t.get(usize::from(gid)))
            .and_then(|t| t.as_deref())
    }

    /// A glyph's advance in thousandths of an em, truncated the way PDF
    /// widths (`/W`) are written.
    pub fn pdf_width(&self, face: FaceId, gid: u16) -> f32 {
        let f = &self.faces[face.0 as usize];
        let advance = f.glyph_hor_advance(GlyphId(gid)).unwrap_or(0);
        (f32::from(advance) * 1000.0 / f.units_per_em() as f32).trunc()
    }

    /// The face's PostScript name, for the PDF's font dictionary.
    pub fn postscript_name(&self, face: FaceId) -> String {
        self.faces[face.0 as usize]
            .names()
            .into_iter()
            .find(|n| n.name_id == name_id::POST_SCRIPT_NAME && n.is_unicode())
            .and_then(|n| n.to_string())
            .unwrap_or_else(|| format!("BinderyFace{}", face.0))
    }

    /// The ascender of the face, in ems.
    pub fn ascender(&self, face: FaceId) -> f32 {
        let f = &self.faces[face.0 as usize];
        f32::from(f.ascender()) / f.units_per_em() as f32
    }

    /// Whether `gid` is the glyph a face has for `c`.
    pub fn draws(&self, face: FaceId, gid: u16, c: char) -> bool {
        self.faces[face.0 as usize].glyph_index(c) == Some(GlyphId(gid))
    }

    /// Whether a face has a glyph for `c`.
    pub fn covers(&self, face: FaceId, c: char) -> bool {
        self.faces[face.0 as usize].glyph_index(c).is_some()
    }

    /// Shapes `text` into the store and adds it to the words.
    fn shape_uncached(&mut self, text: &str, style: Style) -> WordId {
        if let Some(id) = self.compose(text, style) {
            return id;
        }
        self.shape_whole(text, style)
    }

    /// Puts a word ending in a [`CLOSING`] mark together from the word
    /// before the mark and the mark, both shaped (and cached) alone, when
    /// that gives exactly the glyphs shaping it whole would: the font
    /// neither kerns nor joins the mark and the letter before it, and that
    /// letter is a glyph of its own. Copying the glyphs costs far less than
    /// shaping.
    fn compose(&mut self, text: &str, style: Style) -> Option<WordId> {
        let mark = text.chars().next_back().filter(|c| CLOSING.contains(c))?;
        let stem = &text[..text.len() - mark.len_utf8()];
        let last = stem.chars().next_back()?;
        let glyph = self.separable(style, last, mark)?;
        let stem_id = self.shape(stem, style);
        let mark_id = self.shape(&text[stem.len()..], style);
        let primary = style.face();
        let plain = |g: &Glyph| g.gid != 0 && g.face == primary;
        let stem_glyphs = self.glyphs(stem_id);
        let ends_alone = stem_glyphs
            .last()
            .is_some_and(|g| g.gid == glyph && g.cluster as usize == stem.len() - last.len_utf8());
        if !ends_alone || !stem_glyphs.iter().all(plain) || !self.glyphs(mark_id).iter().all(plain)
        {
            return None;
        }
        let id = WordId(self.words.len() as u32);
        let start = self.store.len();
        self.store
            .extend_from_within(self.words[stem_id.0 as usize].glyphs.clone());
        let from = self.store.len();
        self.store
            .extend_from_within(self.words[mark_id.0 as usize].glyphs.clone());
        for g in &mut self.store[from..] {
            g.cluster += stem.len() as u32;
        }
        // The same sum, in the same order, as for the word shaped whole.
        let width = self.store[start..].iter().map(|g| g.advance).sum();
        // The mark is no letter: the word breaks where its stem does, at
        // the same glyphs, when the stem's breaks are known and fit.
        let hyphenation = match self.words[stem_id.0 as usize].hyphenation.get() {
            Some(&bits) if self.store.len() - start <= 64 => bits.into(),
            _ => Default::default(),
        };
        self.words.push(Shaped {
            glyphs: start..self.store.len(),
            width,
            has_missing: false,
            text: ShapedText::new(text),
            hyphenation,
        });
        Some(id)
    }

    /// Whether `last` and `mark` shaped together give the glyph each gives
    /// alone, and if so, the glyph of `last`. Asked once per style and pair.
    fn separable(&mut self, style: Style, last: char, mark: char) -> Option<u16> {
        if let Some(&known) = self.separable.get(&(style, last, mark)) {
            return known;
        }
        let mut pair = String::from(last);
        let alone = self.shape(&pair, style);
        let closing = self.shape(mark.encode_utf8(&mut [0; 4]), style);
        pair.push(mark);
        let together = self.shape_whole(&pair, style);
        let known = match (self.glyphs(alone), self.glyphs(closing)) {
            (&[a], &[m]) => {
                let m = Glyph {
                    cluster: m.cluster + last.len_utf8() as u32,
                    ..m
                };
                (self.glyphs(together) == [a, m]).then_some(a.gid)
            }
            _ => None,
        };
        self.separable.insert((style, last, mark), known);
        known
    }

    /// Shapes `text` whole into the store and adds it to the words.
    fn shape_whole(&mut self, text: &str, style: Style) -> WordId {
        let id = WordId(self.words.len() as u32);
        let start = self.store.len();
        let mut missing = Vec::new();
        // Most words are all in the style's face: shape them at once, and
        // look for other faces only when a glyph is missing.
        let primary = style.face();
        self.shape_run(text, 0..text.len(), primary, style, false);
        if self.store[start..].iter().any(|g| g.gid == 0) {
            self.store.truncate(start);
            self.shape_by_face(text, style, &mut missing);
        }
        let width = self.store[start..].iter().map(|g| g.advance).sum();
        let has_missing = !missing.is_empty();
        if has_missing {
            self.missing.insert(id.0, missing.into());
        }
        self.words.push(Shaped {
            glyphs: start..self.store.len(),
            width,
            has_missing,
            text: ShapedText::new(text),
            hyphenation: Default::default(),
        });
        id
    }

    /// Shapes `text` into the store in runs of characters drawn by the
    /// same face, and lists the characters no face has in `missing`.
    ///
    /// A word that reads from right to left (its first letter is Hebrew or
    /// Arabic) has every run shaped in that direction, so that its
    /// punctuation from another face is mirrored where it should be, and
    /// its runs put in visual order, as its glyphs are.
    fn shape_by_face(&mut self, text: &str, style: Style, missing: &mut Vec<char>) {
        let primary = style.face();
        let rtl = !text.is_ascii() && reads_right_to_left(text);
        let first = self.store.len();
        let mut starts = Vec::new();
        // Split the text into runs of characters drawn by the same face: the
        // style's face where it can, else the first fallback that can (for
        // code the monospace fallback first).
        let mut start = 0;
        let mut run_face = None;
        for (i, c) in text.char_indices() {
            let face = if let Some(current) = run_face
                && is_combining(c)
                && self.covers(current, c)
            {
                // A combining mark stays with the face of the letter it marks.
                current
            } else if self.covers(primary, c) || is_invisible(c) {
                primary
            } else if style.is_mono() && self.covers(MONO_FALLBACK, c) {
                MONO_FALLBACK
            } else if self.covers(FALLBACK, c) {
                FALLBACK
            } else if let Some(face) = [Style::Mono.face(), MONO_FALLBACK]
                .into_iter()
                .find(|&face| self.covers(face, c))
            {
                // The last resort, for prose too: the monospace faces have
                // signs (≧, arrows) the book face and its fallback lack.
                face
            } else {
                if !missing.contains(&c) {
                    missing.push(c);
                }
                primary
            };
            match run_face {
                Some(current) if current != face => {
                    starts.push(self.store.len());
                    self.shape_run(text, start..i, current, style, rtl);
                    start = i;
                    run_face = Some(face);
                }
                None => run_face = Some(face),
                Some(_) => {}
            }
        }
        if let Some(face) = run_face {
            starts.push(self.store.len());
            self.shape_run(text, start..text.len(), face, style, rtl);
        }
        if rtl && starts.len() > 1 {
            let mut visual = Vec::with_capacity(self.store.len() - first);
            let mut to = self.store.len();
            for &from in starts.iter().rev() {
                visual.extend_from_slice(&self.store[from..to]);
                to = from;
            }
            self.store.truncate(first);
            self.store.extend(visual);
        }
    }

    /// Shapes `text[range]` in one face, onto the end of the store.
    /// `rtl` sets the direction (else guessed from the script).
    fn shape_run(
        &mut self,
        text: &str,
        range: Range<usize>,
        face_id: FaceId,
        style: Style,
        rtl: bool,
    ) {
        let face = &self.faces[face_id.0 as usize];
        let upem = face.units_per_em() as f32;
        let mut buffer = self.buffer.take().unwrap_or_default();
        buffer.push_str(&text[range.clone()]);
        buffer.guess_segment_properties();
        if rtl {
            buffer.set_direction(rustybuzz::Direction::RightToLeft);
        }
        // Characters that draw nothing (a soft hyphen, a zero-width space or
        // joiner) still steer the shaping, and are then taken out instead of
        // left as empty spaces: a space would copy out of the PDF as one.
        buffer.set_flags(rustybuzz::BufferFlags::REMOVE_DEFAULT_IGNORABLES);
        let script = buffer.script();
        let direction = buffer.direction();
        let plan = self
            .plans
            .entry((face_id, script, direction))
            .or_insert_with(|| {
                ShapePlan::new(
                    face,
                    buffer.direction(),
                    Some(script),
                    None,
                    &features(style),
                )
            });
        let glyphs = rustybuzz::shape_with_plan(face, plan, buffer);
        let first = self.store.len();
        for (info, pos) in glyphs.glyph_infos().iter().zip(glyphs.glyph_positions()) {
            self.store.push(Glyph {
                face: face_id,
                gid: info.glyph_id as u16,
                advance: pos.x_advance as f32 / upem,
                offset: pos.x_offset as f32 / upem,
                cluster: info.cluster + range.start as u32,
            });
        }
        // Record what each glyph stands for: the characters from its cluster
        // to the next cluster in the text (right-to-left runs come out in
        // visual order, so "next" is by position in the text, not in the
        // run). Later glyphs of the same cluster (a base letter's marks)
        // stand for nothing more, and the missing-glyph box for U+FFFD: it
        // stands for different characters in different places.
        let run = &self.store[first..];
        let mut clusters = std::mem::take(&mut self.clusters);
        clusters.clear();
        clusters.extend(run.iter().map(|g| g.cluster as usize));
        clusters.sort_unstable();
        clusters.dedup();
        for (i, glyph) in run.iter().enumerate() {
            // A glyph's text is recorded once: most glyphs of a word have
            // been seen in earlier words, and are passed over.
            let Some(slot) = self.texts[usize::from(face_id.0)].get_mut(usize::from(glyph.gid))
            else {
                continue;
            };
            if slot.is_some() {
                continue;
            }
            let start = glyph.cluster as usize;
            let end = clusters
                .get(clusters.partition_point(|&c| c <= start))
                .copied()
                .unwrap_or(range.end);
            let repeat = run[..i].iter().any(|g| g.cluster == glyph.cluster);
            let text = if glyph.gid == 0 {
                "\u{FFFD}"
            } else if repeat {
                ""
            } else {
                &text[start..end]
            };
            *slot = Some(text.into());
            self.recorded.push((face_id, glyph.gid));
        }
        self.clusters = clusters;
        self.buffer = Some(glyphs.clear());
    }
}

/// Whether the first letter of `text` with a direction of its own (Unicode's
/// strong types) is one read from right to left.
fn reads_right_to_left(text: &str) -> bool {
    use unicode_bidi::{BidiClass, bidi_class};
    text.chars()
        .map(bidi_class)
        .find(|class| matches!(class, BidiClass::L | BidiClass::R | BidiClass::AL))
        .is_some_and(|class| class != BidiClass::L)
}

/// Combining marks of the common blocks, drawn over the character before.
fn is_combining(c: char) -> bool {
    matches!(
        c,
        '\u{300}'..='\u{36F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

/// Characters that draw nothing and need no glyph of their own.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}'
    ) || c.is_control()
}

/// OpenType features: the shaper's defaults (kerning, standard and contextual
/// ligatures) for prose; none of them for code, where every character must
/// stay itself.
fn features(style: Style) -> Vec<Feature> {
    if style.is_mono() {
        ["kern", "liga", "clig", "calt"]
            .iter()
            .filter_map(|tag| format!("-{tag}").parse().ok())
            .collect()
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ligatures_map_back_to_all_their_letters() {
        let files = FontFiles::default();
        let mut fonts = Fonts::new(&files).unwrap();
        let id = fonts.shape("office", Style::Regular);
        let shaped = fonts.glyphs(id);
        // o, ffi, c, e: the ligature glyph stands for three letters.
        assert_eq!(shaped.len(), 4, "{shaped:?}");
        let lig = shaped[1];
        assert_eq!(fonts.glyph_text(lig.face, lig.gid), Some("ffi"));
    }

    #[test]
    fn code_is_shaped_without_ligatures() {
        let files = FontFiles::default();
        let mut fonts = Fonts::new(&files).unwrap();
        let id = fonts.shape("office", Style::Mono);
        assert_eq!(fonts.glyphs(id).len(), 6);
    }

    #[test]
    fn kerning_tightens_pairs() {
        let files = FontFiles::default();
        let mut fonts = Fonts::new(&files).unwrap();
        let mut width = |text| {
            let id = fonts.shape(text, Style::Regular);
            fonts.word(id).width
        };
        let pair = width("AV");
        let apart = width("A") + width("V");
        assert!(pair < apart, "{pair} vs {apart}");
    }

    #[test]
    fn missing_characters_come_from_the_fallback_face() {
        let files = FontFiles::default();
        let mut fonts = Fonts::new(&files).unwrap();
        // The bold italic face has no Cyrillic; DejaVu Serif has.
        let id = fonts.shape("Привет", Style::BoldItalic);
        assert!(fonts.missing(id).is_empty());
        assert!(fonts.glyphs(id).iter().all(|g| g.face == FALLBACK));
        let mixed = fonts.shape("a⌘b", Style::Regular);
        let faces: Vec<FaceId> = fonts.glyphs(mixed).iter().map(|g| g.face).collect();
        assert_eq!(faces, [FaceId(0), FALLBACK, FaceId(0)]);
    }

    #[test]
    fn characters_no_face_has_are_reported() {
        let files = FontFiles::default();
        let mut fonts = Fonts::new(&files).unwrap();
        let id = fonts.shape("a\u{1F600}b", Style::Regular);
        assert_eq!(fonts.missing(id), ['\u{1F600}']);
        // The character is still set (as the missing-glyph box), never dropped.
        assert_eq!(fonts.glyphs(id).len(), 3);
        assert_eq!(fonts.glyphs(id)[1].gid, 0);
    }

    #[test]
    fn a_shaped_word_fills_one_cache_line() {
        assert_eq!(std::mem::size_of::<Shaped>(), 64);
        assert_eq!(std::mem::align_of::<Shaped>(), 64);
    }

    #[test]
    fn cached_words_are_checked_against_their_text() {
        let long = "a".repeat(31);
        for text in [
            "",
            "word",
            "twenty-two-bytes-words",
            "twenty-three-bytes-word",
            long.as_str(),
        ] {
            let key = ShapedText::new(text);
            assert!(key.matches(text), "{text}");
            assert!(!key.matches(&format!("{text}x")), "{text}");
        }
        let files = FontFiles::default();
        let mut fonts = Fonts::new(&files).unwrap();
        let id = fonts.shape(&long, Style::Regular);
        assert!(fonts.word(id).text.matches(&long));
    }

    #[test]
    fn words_put_together_with_their_closing_mark_match_the_whole_word() {
        let files = FontFiles::default();
        let mut parts = Fonts::new(&files).unwrap();
        let mut whole = Fonts::new(&files).unwrap();
        for style in [Style::Regular, Style::Italic, Style::Mono] {
            for text in [
                "word,",
                "office.",
                "Wave.",
                "fly,",
                "AV.",
                "Tay.",
                "staff.",
                "(if)",
                "“why?”",
                "say:",
                "P.",
                "f’",
                "r,",
                "y.",
                "!",
                "..",
                "a⌘.",
                "Привет,",
            ] {
                let stem = text.trim_end_matches(CLOSING);
                parts.shape(stem, style);
                let a = parts.shape(text, style);
                let b = whole.shape_whole(text, style);
                assert_eq!(parts.glyphs(a), whole.glyphs(b), "{text} {style:?}");
                assert_eq!(parts.word(a).width, whole.word(b).width, "{text}");
                assert_eq!(parts.missing(a), whole.missing(b), "{text}");
            }
        }
        // Common pairs are put together, not shaped whole.
        assert!(parts.separable.values().any(Option::is_some));
    }

    #[test]
    fn the_word_table_tells_words_with_the_same_hash_apart_and_keeps_them_when_it_grows() {
        let mut table = WordTable::default();
        assert_eq!(table.find(7, |_| true), None);
        // Two words under one hash: a look-up finds the one its check accepts.
        table.insert(0xABCD_0000_0000_0001, WordId(0));
        table.insert(0xABCD_0000_0000_0001, WordId(1));
        assert_eq!(
            table.find(0xABCD_0000_0000_0001, |id| id.0 == 1),
            Some(WordId(1))
        );
        assert_eq!(
            table.find(0xABCD_0000_0000_0001, |id| id.0 == 0),
            Some(WordId(0))
        );
        assert_eq!(table.find(0xABCD_0000_0000_0001, |id| id.0 == 2), None);
        // Enough words to grow the table several times, hashes spread or not.
        for n in 2..5_000u32 {
            let spread = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let hash = if n % 2 == 0 { spread } else { u64::from(n) };
            table.insert(hash, WordId(n));
        }
        for n in 2..5_000u32 {
            let spread = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let hash = if n % 2 == 0 { spread } else { u64::from(n) };
            assert_eq!(table.find(hash, |id| id.0 == n), Some(WordId(n)), "{n}");
        }
        assert_eq!(table.len, 5_000);
        assert!(table.slots.len() * 3 >= table.len * 4);
    }

    #[test]
    fn words_are_shaped_once() {
        let files = FontFiles::default();
        let mut fonts = Fonts::new(&files).unwrap();
        let a = fonts.shape("word", Style::Regular);
        let b = fonts.shape("word", Style::Regular);
        assert_eq!(a, b);
        assert_eq!(fonts.shaped_count(), 1);
    }
}
