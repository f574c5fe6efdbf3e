#!/usr/bin/python3
"""The spreadsheet files tests/unit/test_sheet.c reads, written into OUTDIR.

Run at test time (CTest runs it before test_sheet), so nothing binary is
committed for the unit tests: real .xls from python3-xlwt, real .xlsx from
python3-openpyxl, and, built by hand, what no library writes on purpose:
an .xlsx with inline strings, rich text and cells without references; a
zip bomb (a worksheet of ~200 MB of zeros, deflated while streaming); an XML
bomb (a DOCTYPE with nested entities) inside an otherwise valid .xlsx; an
.xlsx saved with a password (an OLE compound file holding an
EncryptionInfo stream, written sector by sector); an .xls with a FILEPASS
record; and corrupt files (a truncated zip and .xls, random bytes, a PNG).

    make_sheet_fixtures.py OUTDIR          the unit test fixtures
    make_sheet_fixtures.py --seeds DIR     small seeds for the fuzz corpora
                                            (DIR/xls, DIR/xlsx, DIR/csv)
"""
import datetime
import io
import os
import random
import struct
import sys
import zipfile
import zlib

import openpyxl
import xlwt


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


# --- .xls (xlwt) -------------------------------------------------------------

def xls_basic(filepass=False):
    """Header, a cédula as a number, accents, a date-formatted cell, a
    fraction, a datetime; a second sheet that must be ignored."""
    wb = xlwt.Workbook(encoding="utf-8")
    if filepass:
        # FILEPASS (0x002F, XOR obfuscation) right after the workbook's BOF:
        # what Excel writes when the file is saved with a password.
        bof = wb._Workbook__bof_rec
        wb._Workbook__bof_rec = lambda: bof() + struct.pack("<HHHHH", 0x2F, 6, 0, 0x1234, 0x5678)
    ws = wb.add_sheet("Matrícula")
    date = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    stamp = xlwt.easyxf(num_format_str="DD/MM/YYYY HH:MM")
    for col, name in enumerate(["Cédula", "Nombre", "Fecha de nacimiento", "Nota", "Hora"]):
        ws.write(0, col, name)
    ws.write(1, 0, 12345678.0)
    ws.write(1, 1, "José Ñáñez")
    ws.write(1, 2, datetime.date(2015, 3, 9), date)
    ws.write(1, 3, 15.5)
    ws.write(1, 4, datetime.datetime(2024, 1, 31, 7, 30), stamp)
    ws.write(3, 1, "fila suelta")  # row 3 skipped: an empty row 2 between
    other = wb.add_sheet("Otra")
    other.write(0, 0, "no se lee")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xls_empty():
    wb = xlwt.Workbook(encoding="utf-8")
    wb.add_sheet("Vacía")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- .xlsx (openpyxl) --------------------------------------------------------

def xlsx_basic():
    """Shared strings with accents, numbers, a date, a datetime, a boolean,
    a sparse row far below the rest, a second sheet that must be ignored."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Matrícula"
    ws.append(["Cédula", "Nombre", "Fecha de nacimiento", "Nota", "Activo"])
    ws.append([12345678, "José Ñáñez", datetime.date(2015, 3, 9), 15.5, True])
    ws.append([30111222, "María Peña", datetime.datetime(2014, 12, 31, 18, 45), 0.1, False])
    ws["C2"].number_format = "dd/mm/yyyy"
    ws["B10"] = "fila dispersa"
    ws["E10"] = "José Ñáñez"  # the same shared string again
    other = wb.create_sheet("Otra")
    other["A1"] = "no se lee"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_empty():
    wb = openpyxl.Workbook()
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- .xlsx by hand -----------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '</Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    '</Relationships>')
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def workbook_xml(date1904=False, sheets=(("Hoja1", "rId7"),)):
    pr = '<workbookPr date1904="1"/>' if date1904 else '<workbookPr/>'
    s = "".join('<sheet name="%s" sheetId="%d" r:id="%s"/>' % (n, i + 1, r)
                for i, (n, r) in enumerate(sheets))
    return '<?xml version="1.0"?>\n<workbook %s %s>%s<sheets>%s</sheets></workbook>' % (
        NS, RNS, pr, s)


def rels_xml(target="worksheets/sheet1.xml", rid="rId7"):
    return ('<?xml version="1.0"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
            '<Relationship Id="%s" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="%s"/>'
            '</Relationships>' % (rid, target))


STYLES = (
    '<?xml version="1.0"?>\n<styleSheet %s>'
    '<numFmts count="3"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="&quot;d&quot;0.00"/>'
    '<numFmt numFmtId="166" formatCode="[Red]#,##0"/></numFmts>'
    '<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>'
    '<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/>'
    '<xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="22"/></cellXfs>'
    '</styleSheet>' % NS)

SHARED = (
    '<?xml version="1.0"?>\n<sst %s count="3" uniqueCount="3">'
    '<si><t>Cédula</t></si>'
    '<si><r><rPr><b/></rPr><t>Nom</t></r><r><t xml:space="preserve">bre y </t></r><r><t>apellido</t></r>'
    '<rPh sb="0" eb="1"><t>ふりがな</t></rPh></si>'
    '<si><t>línea 1_x000D_\nlínea 2</t></si>'
    '</sst>' % NS)

SHEET = (
    '<?xml version="1.0"?>\n<worksheet %s><dimension ref="A1:AB12"/><sheetData>'
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
    # no row and cell references: placed one after the other
    '<row><c t="inlineStr"><is><t>en línea</t></is></c><c t="b"><v>1</v></c>'
    '<c t="str"><f>A1&amp;"x"</f><v>Cédulax</v></c><c t="e"><v>#N/A</v></c></row>'
    # dates: built-in 14, custom dd/mm/yyyy, a quoted "d" (not a date),
    # [Red] (not a date), 22 (date and time); the 1900-02-29 of Lotus
    '<row r="3"><c r="A3" s="1"><v>42072</v></c><c r="B3" s="2"><v>1</v></c>'
    '<c r="C3" s="3"><v>42072</v></c><c r="D3" s="4"><v>1234</v></c>'
    '<c r="E3" s="5"><v>45322.3125</v></c><c r="F3" s="1"><v>60</v></c><c r="G3" s="1"><v>61</v></c></row>'
    # numbers as shortest text
    '<row r="4"><c r="A4"><v>1.2345678E7</v></c><c r="B4"><v>0.1</v></c>'
    '<c r="C4"><v>-3</v></c><c r="D4"><v>1500.5</v></c></row>'
    # a sparse cell far right and below; an empty cell with only a style
    '<row r="12"><c r="AB12" t="s"><v>0</v></c><c r="AC12" s="1"/></row>'
    '<row r="13"><c r="A13" t="inlineStr"><is><t></t></is></c></row>'
    '</sheetData></worksheet>' % NS)


def xlsx_by_hand(parts, compression=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, text in parts:
            z.writestr(name, text.encode("utf-8") if isinstance(text, str) else text)
    return out.getvalue()


def xlsx_parts(sheet=SHEET, date1904=False, shared=SHARED, styles=STYLES):
    parts = [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS),
             ("xl/workbook.xml", workbook_xml(date1904)),
             ("xl/_rels/workbook.xml.rels", rels_xml()),
             ("xl/styles.xml", styles)]
    if shared is not None:
        parts.append(("xl/sharedStrings.xml", shared))
    if sheet is not None:
        parts.append(("xl/worksheets/sheet1.xml", sheet))
    return parts


def xlsx_renamed_parts():
    """The workbook at book/main.xml, named by _rels/.rels, its styles and
    shared strings under other names, named by its relationships."""
    root_rels = ROOT_RELS.replace('Target="xl/workbook.xml"', 'Target="/book/main.xml"')
    rels = ('<?xml version="1.0"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="estilos.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/book/textos.xml"/>'
            '<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="./hojas/h1.xml"/>'
            '</Relationships>')
    return xlsx_by_hand([("_rels/.rels", root_rels), ("book/main.xml", workbook_xml()),
                         ("book/_rels/main.xml.rels", rels), ("book/estilos.xml", STYLES),
                         ("book/textos.xml", SHARED), ("book/hojas/h1.xml", SHEET)])


def xlsx_zip_bomb():
    """A valid package whose worksheet inflates to ~200 MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in xlsx_parts(sheet=None):
            z.writestr(name, text)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(('<?xml version="1.0"?>\n<worksheet %s><sheetData><row r="1">'
                     '<c r="A1" t="inlineStr"><is><t>' % NS).encode())
            zeros = b"0" * (1 << 20)
            for _ in range(200):
                f.write(zeros)
            f.write(b"</t></is></c></row></sheetData></worksheet>")
    return out.getvalue()


def xlsx_lying_sizes():
    """The worksheet's headers declare a tenth of what it inflates to (a
    bomb that hides from the declared-size check)."""
    rows = "".join('<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i) for i in range(1, 20001))
    sheet = '<?xml version="1.0"?>\n<worksheet %s><sheetData>%s</sheetData></worksheet>' % (NS, rows)
    data = bytearray(xlsx_by_hand(xlsx_parts(sheet=sheet)))
    real = len(sheet.encode())
    fake = real // 10
    name = b"xl/worksheets/sheet1.xml"
    # local header: sizes at +22 (uncompressed); central: at +24
    for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while True:
            at = data.find(sig, at)
            if at < 0:
                break
            nlen_at = 26 if sig == b"PK\x03\x04" else 28
            nlen = struct.unpack_from("<H", data, at + nlen_at)[0]
            head = 30 if sig == b"PK\x03\x04" else 46
            if bytes(data[at + head:at + head + nlen]) == name:
                assert struct.unpack_from("<I", data, at + off)[0] == real
                struct.pack_into("<I", data, at + off, fake)
            at += 4
    return bytes(data)


def xlsx_big(rows=10000, cols=130):
    """A 10,000-row, 130-column Matrícula-sized sheet: shared names,
    cédulas, dates, short codes (for the reader's memory and time)."""
    names = ["Nombre%d Apellido%d" % (i, i) for i in range(500)]
    sst = '<?xml version="1.0"?>\n<sst %s>%s</sst>' % (NS, "".join("<si><t>%s</t></si>" % n for n in names))
    out = ['<?xml version="1.0"?>\n<worksheet %s><sheetData>' % NS]
    for r in range(1, rows + 1):
        cells = []
        for c in range(cols):
            ref = ""
            n = c + 1
            while n:
                n, m = divmod(n - 1, 26)
                ref = chr(65 + m) + ref
            kind = c % 4
            if kind == 0:
                cells.append('<c r="%s%d"><v>%d</v></c>' % (ref, r, 10000000 + r * 7 + c))
            elif kind == 1:
                cells.append('<c r="%s%d" t="s"><v>%d</v></c>' % (ref, r, (r + c) % len(names)))
            elif kind == 2:
                cells.append('<c r="%s%d" s="1"><v>%d</v></c>' % (ref, r, 40000 + (r + c) % 3000))
            else:
                cells.append('<c r="%s%d" t="inlineStr"><is><t>V-%d</t></is></c>' % (ref, r, c))
        out.append('<row r="%d">%s</row>' % (r, "".join(cells)))
    out.append("</sheetData></worksheet>")
    return xlsx_by_hand(xlsx_parts(sheet="".join(out), shared=sst))


XML_BOMB = (
    '<?xml version="1.0"?>\n'
    '<!DOCTYPE worksheet [\n'
    '<!ENTITY lol "lol">\n'
    + "".join('<!ENTITY lol%d "%s">\n' % (i, ("&lol%s;" % ("" if i == 1 else i - 1)) * 10)
              for i in range(1, 10))
    + ']>\n<worksheet %s><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c>'
    '</row></sheetData></worksheet>' % NS)


# --- Files that are not what they say ----------------------------------------

def cfb_encrypted():
    """An OLE compound file (version 3, 512-byte sectors) holding one 4 KiB
    stream named EncryptionInfo: what Excel writes for an .xlsx saved with a
    password (the real one also holds EncryptedPackage)."""
    FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    header = bytearray(512)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, END, 0, END, 0)
    difat = [0] + [FREE] * 108
    struct.pack_into("<109I", header, 76, *difat)
    # sector 0: the FAT; 1: the directory; 2-9: the stream
    fat = [FATSECT, END] + list(range(3, 10)) + [END]
    fat += [FREE] * (128 - len(fat))
    fat_sector = struct.pack("<128I", *fat)

    def entry(name, kind, child, start, size):
        e = bytearray(128)
        n = name.encode("utf-16-le") + b"\0\0" if name else b""
        e[0:len(n)] = n
        struct.pack_into("<HBB", e, 64, len(n), kind, 1)
        struct.pack_into("<III", e, 68, NOSTREAM, NOSTREAM, child)
        struct.pack_into("<II", e, 116, start, size)
        return bytes(e)

    directory = (entry("Root Entry", 5, 1, END, 0) + entry("EncryptionInfo", 2, NOSTREAM, 2, 4096)
                 + entry("", 0, NOSTREAM, 0, 0) * 2)
    stream = random.Random(13).randbytes(4096)
    return bytes(header) + fat_sector + directory + stream


def png():
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\0" + b"\xff\x00\x00" * 4 for _ in range(4))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


CSV_1252 = "Cédula;Nombre;Dirección\r\n12.345.678;José Peña;\"Calle Ñ; casa 3\"\r\n;;\r\nV-9.876.543;María;El Tocuyo\r\n;;\r\n;;\r\n".encode("cp1252")
# A title line, a blank line, a multi-line quoted field, a short row: what
# a Matrícula saved as CSV by hand looks like.
CSV_TITLED = ("MATRÍCULA 2025-2026\r\n\r\nCédula;Nombre;Dirección\r\n"
              "1;\"Ana\r\nMaría\";Barquisimeto\r\n2;Luis\r\n").encode("utf-8")
CSV_UTF8 = "\ufeffcedula,nombre\n1,Ana\n2,\"Luis, hijo\"\n".encode("utf-8")


def fixtures(out):
    os.makedirs(out, exist_ok=True)
    basic_xls = xls_basic()
    basic_xlsx = xlsx_basic()
    hand = xlsx_by_hand(xlsx_parts())
    files = {
        "basic.xls": basic_xls,
        "filepass.xls": xls_basic(filepass=True),
        "empty.xls": xls_empty(),
        "truncated.xls": basic_xls[:len(basic_xls) // 2],
        "basic.xlsx": basic_xlsx,
        "empty.xlsx": xlsx_empty(),
        "hand.xlsx": hand,
        "date1904.xlsx": xlsx_by_hand(xlsx_parts(date1904=True)),
        "stored.xlsx": xlsx_by_hand(xlsx_parts(), zipfile.ZIP_STORED),
        "renamed.xlsx": xlsx_renamed_parts(),
        "no_shared.xlsx": xlsx_by_hand(xlsx_parts(shared=None, sheet=(
            '<?xml version="1.0"?>\n<worksheet %s><sheetData><row r="2"><c r="B2"><v>7</v></c>'
            '</row></sheetData></worksheet>' % NS))),
        "missing_sheet.xlsx": xlsx_by_hand(xlsx_parts(sheet=None)),
        # parts in encodings other than UTF-8 (read by expat, not xml_scan)
        "encodings.xlsx": xlsx_by_hand(xlsx_parts(
            shared=('<?xml version="1.0" encoding="UTF-16"?>\n<sst %s count="1" uniqueCount="1">'
                    '<si><t>Niño</t></si></sst>' % NS).encode("utf-16"),
            sheet=('<?xml version="1.0" encoding="ISO-8859-1"?>\n<worksheet %s><sheetData>'
                   '<row r="1"><c r="A1" t="inlineStr"><is><t>Sección Ñ</t></is></c>'
                   '<c r="B1" t="s"><v>0</v></c></row></sheetData></worksheet>' % NS
                   ).encode("latin-1"))),
        "bad_xml.xlsx": xlsx_by_hand(xlsx_parts(sheet='<worksheet %s><sheetData><row>' % NS)),
        "bad_sst_index.xlsx": xlsx_by_hand(xlsx_parts(sheet=(
            '<worksheet %s><sheetData><row r="1"><c r="A1" t="s"><v>99</v></c></row>'
            '</sheetData></worksheet>' % NS))),
        "not_xlsx.zip": xlsx_by_hand([("leeme.txt", "hola")]),
        "calc.ods": xlsx_by_hand([("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
                                  ("content.xml", "<office:document-content/>")],
                                 zipfile.ZIP_STORED),
        "truncated.xlsx": basic_xlsx[:len(basic_xlsx) // 2],
        "zip_bomb.xlsx": xlsx_zip_bomb(),
        "lying_sizes.xlsx": xlsx_lying_sizes(),
        "xml_bomb.xlsx": xlsx_by_hand(xlsx_parts(sheet=XML_BOMB)),
        "xml_bomb_sst.xlsx": xlsx_by_hand(xlsx_parts(shared=XML_BOMB.replace("worksheet", "sst"))),
        "encrypted.xlsx": cfb_encrypted(),
        "random.bin": random.Random(7).randbytes(4096),
        "image.png": png(),
        "semicolon_1252.csv": CSV_1252,
        "utf8.csv": CSV_UTF8,
        "titled.csv": CSV_TITLED,
        "empty.csv": b";;;\r\n\r\n;;;\r\n",
        "big.xlsx": xlsx_big(),
    }
    # the inputs fuzzing found that fault inside FreeXL (kept as seeds)
    corpus = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fuzz", "corpus", "xls")
    for name in ("freexl-iconv-overread.xls", "freexl-leak.xls"):
        with open(os.path.join(corpus, name), "rb") as f:
            files[name] = f.read()
    for name, data in files.items():
        write(os.path.join(out, name), data)


def seeds(out):
    """Small real files for the fuzz corpora (committed once)."""
    for sub in ("xls", "xlsx", "csv"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    write(os.path.join(out, "xls", "basic.xls"), xls_basic())
    write(os.path.join(out, "xls", "empty.xls"), xls_empty())
    write(os.path.join(out, "xlsx", "basic.xlsx"), xlsx_basic())
    write(os.path.join(out, "xlsx", "hand.xlsx"), xlsx_by_hand(xlsx_parts()))
    write(os.path.join(out, "xlsx", "stored.xlsx"), xlsx_by_hand(xlsx_parts(), zipfile.ZIP_STORED))
    write(os.path.join(out, "csv", "semicolon_1252.csv"), CSV_1252)
    write(os.path.join(out, "csv", "utf8.csv"), CSV_UTF8)
    write(os.path.join(out, "csv", "titled.csv"), CSV_TITLED)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--seeds":
        seeds(sys.argv[2])
    elif len(sys.argv) == 2:
        fixtures(sys.argv[1])
    else:
        sys.exit(__doc__)
