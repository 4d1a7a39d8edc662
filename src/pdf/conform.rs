//! What the PDF standards of `[pdf] standards` add to a document: the
//! output intents with their ICC profile, the identification in the XMP
//! and the document information, and the colour the painting is done in.
//!
//! PDF/X-4 (ISO 15930-7) prints a black-and-white interior: its output
//! intent is [`icc::gray`], so text, rules and images are painted in grey.
//! PDF/A-2 (ISO 19005-2) alone has an sRGB intent ([`icc::srgb`]); with
//! PDF/X-4 both intents share the grey profile, as PDF/A-2 asks of a file
//! with several intents (6.2.3). Colour JPEGs, which bindery does not
//! decode, keep their colours in an ICC-based sRGB space, which both
//! standards allow and a printer converts.

use crate::config::Standards;
use crate::pdf::icc;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

/// How a page's colours are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Colours {
    /// As they are: grey as grey, colour as RGB.
    #[default]
    AsGiven,
    /// Everything grey, for a grey output intent.
    Gray,
}

impl Colours {
    /// How a document following `standards` paints.
    pub fn of(standards: Standards) -> Colours {
        if standards.pdf_x4 {
            Colours::Gray
        } else {
            Colours::AsGiven
        }
    }
}

/// The grey a colour prints as: its luma (ITU-R BT.601 weights), rounded.
pub fn luma([r, g, b]: [u8; 3]) -> u8 {
    let y = 0.299 * f32::from(r) + 0.587 * f32::from(g) + 0.114 * f32::from(b);
    y.round().clamp(0.0, 255.0) as u8
}

/// Adds the output intents `standards` need, with their profile embedded
/// once, and returns the catalog's `/OutputIntents` array; `None` when no
/// standard asks for one.
pub fn output_intents(doc: &mut Document, standards: Standards) -> Option<Object> {
    if !standards.has_intent() {
        return None;
    }
    let (profile, components, condition) = if standards.pdf_x4 {
        (icc::gray(), 1, "Black ink on book paper, gamma 2.2")
    } else {
        (icc::srgb(), 3, "sRGB IEC61966-2.1")
    };
    let mut dict = Dictionary::new();
    dict.set("N", Object::Integer(components));
    let profile = doc.add_object(Stream::new(dict, profile));
    let mut intents = Vec::new();
    let kinds = [
        (standards.pdf_x4, "GTS_PDFX"),
        (standards.pdf_a.is_some(), "GTS_PDFA1"),
    ];
    for (wanted, kind) in kinds {
        if wanted {
            intents.push(Object::Reference(intent(doc, kind, condition, profile)));
        }
    }
    Some(Object::Array(intents))
}

fn intent(doc: &mut Document, kind: &str, condition: &str, profile: ObjectId) -> ObjectId {
    let text = |s: &str| Object::string_literal(s);
    doc.add_object(Dictionary::from_iter([
        ("Type", Object::Name(b"OutputIntent".to_vec())),
        ("S", Object::Name(kind.as_bytes().to_vec())),
        ("OutputConditionIdentifier", text("Custom")),
        ("OutputCondition", text(condition)),
        ("Info", text(condition)),
        ("RegistryName", text("")),
        ("DestOutputProfile", Object::Reference(profile)),
    ]))
}

/// The ICC-based sRGB colour space for colour images, its profile written
/// once for every image that needs it.
pub fn srgb_space(doc: &mut Document) -> Object {
    let mut dict = Dictionary::new();
    dict.set("N", Object::Integer(3));
    let profile = doc.add_object(Stream::new(dict, icc::srgb()));
    Object::Array(vec![
        Object::Name(b"ICCBased".to_vec()),
        Object::Reference(profile),
    ])
}

/// The document information entries of the standards.
pub fn info(info: &mut Dictionary, standards: Standards) {
    if standards.pdf_x4 {
        info.set("GTS_PDFXVersion", Object::string_literal("PDF/X-4"));
        info.set("Trapped", Object::Name(b"False".to_vec()));
    }
}

/// The XMP properties that identify the standards, and for PDF/A the
/// extension schemas of those its list of predefined schemas lacks.
/// `document` is the document's id as a UUID.
pub fn xmp(standards: Standards, pdf_ua: bool, document: &str) -> String {
    let mut out = String::new();
    if standards.has_intent() {
        out.push_str(&format!(
            "<xmpMM:DocumentID>uuid:{document}</xmpMM:DocumentID>\n\
             <xmpMM:VersionID>1</xmpMM:VersionID>\n\
             <xmpMM:RenditionClass>default</xmpMM:RenditionClass>\n"
        ));
    }
    if standards.pdf_x4 {
        out.push_str(
            "<pdf:Trapped>False</pdf:Trapped>\n\
             <pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>\n",
        );
    }
    if let Some(level) = standards.pdf_a {
        out.push_str(&format!(
            "<pdfaid:part>2</pdfaid:part>\n<pdfaid:conformance>{}</pdfaid:conformance>\n",
            level.letter()
        ));
        let mut schemas = String::new();
        if pdf_ua {
            schemas.push_str(&schema(
                "PDF/UA Universal Accessibility Schema",
                "http://www.aiim.org/pdfua/ns/id/",
                "pdfuaid",
                "part",
                "Integer",
                "The part of ISO 14289 followed",
            ));
        }
        if standards.pdf_x4 {
            schemas.push_str(&schema(
                "PDF/X ID Schema",
                "http://www.npes.org/pdfx/ns/id/",
                "pdfxid",
                "GTS_PDFXVersion",
                "Text",
                "The PDF/X version followed",
            ));
        }
        if !schemas.is_empty() {
            out.push_str(&format!(
                "<pdfaExtension:schemas><rdf:Bag>\n{schemas}</rdf:Bag></pdfaExtension:schemas>\n"
            ));
        }
    }
    out
}

/// The namespaces [`xmp`]'s properties use.
pub const NAMESPACES: &str = "xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\" \
     xmlns:pdfxid=\"http://www.npes.org/pdfx/ns/id/\" \
     xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\" \
     xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" \
     xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" \
     xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\"";

/// One PDF/A extension schema of one property.
fn schema(name: &str, uri: &str, prefix: &str, property: &str, kind: &str, about: &str) -> String {
    format!(
        "<rdf:li rdf:parseType=\"Resource\">\n\
         <pdfaSchema:schema>{name}</pdfaSchema:schema>\n\
         <pdfaSchema:namespaceURI>{uri}</pdfaSchema:namespaceURI>\n\
         <pdfaSchema:prefix>{prefix}</pdfaSchema:prefix>\n\
         <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">\n\
         <pdfaProperty:name>{property}</pdfaProperty:name>\n\
         <pdfaProperty:valueType>{kind}</pdfaProperty:valueType>\n\
         <pdfaProperty:category>internal</pdfaProperty:category>\n\
         <pdfaProperty:description>{about}</pdfaProperty:description>\n\
         </rdf:li></rdf:Seq></pdfaSchema:property>\n\
         </rdf:li>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::PdfA;

    #[test]
    fn luma_weighs_green_most() {
        assert_eq!(luma([255, 255, 255]), 255);
        assert_eq!(luma([0, 0, 0]), 0);
        assert!(luma([0, 255, 0]) > luma([255, 0, 0]));
        assert!(luma([255, 0, 0]) > luma([0, 0, 255]));
    }

    #[test]
    fn pdf_a_with_pdf_x_and_ua_declares_their_schemas() {
        let both = Standards {
            pdf_x4: true,
            pdf_a: Some(PdfA::U),
            pdf_ua: true,
        };
        let xmp = xmp(both, true, "0");
        assert!(xmp.contains("<pdfaid:conformance>U</pdfaid:conformance>"));
        assert!(xmp.contains("<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>"));
        assert!(xmp.contains("<pdfaSchema:prefix>pdfxid</pdfaSchema:prefix>"));
        let mut doc = Document::with_version("1.6");
        let Some(Object::Array(intents)) = output_intents(&mut doc, both) else {
            panic!("no intents");
        };
        assert_eq!(intents.len(), 2);
        let profile = |intent: &Object| {
            let id = intent.as_reference().unwrap();
            doc.get_dictionary(id)
                .unwrap()
                .get(b"DestOutputProfile")
                .unwrap()
                .clone()
        };
        assert_eq!(profile(&intents[0]), profile(&intents[1]));
    }
}
