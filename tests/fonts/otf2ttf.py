import sys
from fontTools.ttLib import TTFont, newTable
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
f = TTFont(sys.argv[1])
order = f.getGlyphOrder()
gs = f.getGlyphSet()
glyf = newTable("glyf"); glyf.glyphOrder = order; glyf.glyphs = {}
for name in order:
    pen = TTGlyphPen(gs)
    gs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
    glyf[name] = pen.glyph()
f["glyf"] = glyf
f["loca"] = newTable("loca")
del f["CFF "]
if "VORG" in f: del f["VORG"]
f.sfntVersion = "\x00\x01\x00\x00"
f["head"].glyphDataFormat = 0
maxp = f["maxp"]; maxp.tableVersion = 0x00010000
for k in ("maxZones","maxTwilightPoints","maxStorage","maxFunctionDefs","maxInstructionDefs","maxStackElements","maxSizeOfInstructions","maxComponentElements"):
    setattr(maxp, k, 0)
maxp.maxZones = 1
f["post"].formatType = 3.0
f.save(sys.argv[2])
