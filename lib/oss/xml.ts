// The one place that turns OSS XML into plain objects and back, so every producer writes the same
// bytes real OSS does (declaration line, 2-space indentation, trailing newline) and every
// consumer reads ids/ETags as the strings they are.

import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

export type XmlValue = string | number | bigint | boolean;
/** Element content: text, a nested element, or (as an array) the same element repeated. Undefined fields are omitted. */
export type XmlContent = XmlValue | XmlObject | XmlContent[] | undefined;
export type XmlObject = { [element: string]: XmlContent };

/** Parsed XML: element names map to text (always a string), a nested object, or an array when repeated. */
export type XmlNode = string | XmlElement | XmlNode[];
export type XmlElement = { [element: string]: XmlNode };

const TEXT_KEY = '#text';

export interface ParseXmlOptions {
  /** Element names that always come back as arrays, even when they occur once (e.g. Part, Upload, Contents). */
  arrays?: readonly string[];
}

/**
 * Parses an XML document into `{ <RootName>: ... }`. Throws an Error describing the first
 * well-formedness problem, which the emulator maps to MalformedXML.
 */
export function parseXml(text: string, options: ParseXmlOptions = {}): XmlElement {
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    const { msg, line, col } = validation.err;
    throw new Error(`Malformed XML at line ${line}, column ${col}: ${msg}`);
  }
  const arrays = new Set(options.arrays ?? []);
  const parser = new XMLParser({
    ignoreAttributes: true, // xmlns and friends carry nothing OSS clients need
    removeNSPrefix: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    parseTagValue: false, // "0004B9..." upload ids and numeric-looking ETags must stay strings
    trimValues: false, // object keys may legitimately start or end with spaces
    isArray: (name) => arrays.has(name),
  });
  return dropLayoutWhitespace(parser.parse(text)) as XmlElement;
}

// With trimValues off, the indentation between child elements shows up as whitespace-only text
// nodes; they are layout, not data.
function dropLayoutWhitespace(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(dropLayoutWhitespace);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(node)) {
    if (name === TEXT_KEY && typeof value === 'string' && value.trim() === '') continue;
    out[name] = dropLayoutWhitespace(value);
  }
  return out;
}

const builder = new XMLBuilder({
  format: true,
  indentBy: '  ',
  suppressEmptyNode: false, // OSS writes empty values as <Delimiter></Delimiter>, never <Delimiter/>
  // Text content only needs & < > escaped; OSS leaves quotes literal (<ETag>"…"</ETag> in the
  // byte-exact captures of CompleteMultipartUpload bodies, whose Content-Length would not match with &quot;). The builder's
  // own entity table would also turn ' and " into entities, so we escape here instead.
  processEntities: false,
  tagValueProcessor: (_name, value) => escapeText(String(value)),
});

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** Serialises `content` under `rootName` exactly as OSS formats its response bodies. */
export function buildXml(rootName: string, content: XmlObject): string {
  return XML_DECLARATION + builder.build({ [rootName]: normalise(content) });
}

// The builder would render null as <X/> and bigint via its own rules; hand it only strings,
// objects and arrays so the output is predictable.
function normalise(content: XmlContent): unknown {
  if (Array.isArray(content)) return content.filter((item) => item !== undefined).map(normalise);
  if (typeof content === 'object') {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(content)) {
      if (value !== undefined) out[name] = normalise(value);
    }
    return out;
  }
  return String(content);
}
