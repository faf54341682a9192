"""Edits made in LibreOffice itself, as a user makes them: rows inserted (every reference below them
shifts, as openpyxl's ``insert_rows`` does not), cells typed or cleared, the workbook recalculated.

A Basic macro in a fresh profile reads the steps from a file, one per line: ``open|PATH``,
``insrow|SHEET|ROW`` (a blank row inserted as row ROW, the rows from ROW moved down), ``delrow|SHEET|ROW``,
``inscol|SHEET|COLUMN`` and ``delcol|SHEET|COLUMN`` (1-based: 3 is column C), ``delsheet|SHEET``, ``rename|SHEET|NEW``,
``num|SHEET|CELL|NUMBER``, ``text|SHEET|CELL|TEXT``, ``formula|SHEET|CELL|=FORMULA`` (LibreOffice's English
syntax, ``;`` between arguments), ``clear|SHEET|CELL`` (the Delete key), ``calc`` (recalculate), ``save|PATH``
(recalculate and save as xlsx).  One LibreOffice process runs the steps of every workbook.
"""
import shutil
import subprocess
from pathlib import Path
from xml.sax.saxutils import escape

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice") or "soffice"
_XLB = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">
<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" library:readonly="false" library:passwordprotected="false">{}</library:library>
"""
_BASIC = """Sub Main
  Dim iFile As Integer, sLine As String, parts, oDoc As Object
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = "Hidden" : args(0).Value = True
  Dim sargs(0) As New com.sun.star.beans.PropertyValue
  sargs(0).Name = "FilterName" : sargs(0).Value = "Calc MS Excel 2007 XML"
  iFile = FreeFile
  Open "{ops}" For Input As #iFile
  Do While Not EOF(iFile)
    Line Input #iFile, sLine
    parts = Split(sLine, "|")
    Select Case parts(0)
      Case "open"
        oDoc = StarDesktop.loadComponentFromURL(ConvertToURL(parts(1)), "_blank", 0, args())
      Case "insrow"
        oDoc.Sheets.getByName(parts(1)).Rows.insertByIndex(CLng(parts(2)) - 1, 1)
      Case "num"
        oDoc.Sheets.getByName(parts(1)).getCellRangeByName(parts(2)).setValue(CDbl(parts(3)))
      Case "text"
        oDoc.Sheets.getByName(parts(1)).getCellRangeByName(parts(2)).setString(parts(3))
      Case "clear"
        oDoc.Sheets.getByName(parts(1)).getCellRangeByName(parts(2)).clearContents(1 + 2 + 4 + 16)
      Case "inscol"
        oDoc.Sheets.getByName(parts(1)).Columns.insertByIndex(CLng(parts(2)) - 1, 1)
      Case "delcol"
        oDoc.Sheets.getByName(parts(1)).Columns.removeByIndex(CLng(parts(2)) - 1, 1)
      Case "delrow"
        oDoc.Sheets.getByName(parts(1)).Rows.removeByIndex(CLng(parts(2)) - 1, 1)
      Case "delsheet"
        oDoc.Sheets.removeByName(parts(1))
      Case "rename"
        oDoc.Sheets.getByName(parts(1)).setName(parts(2))
      Case "formula"
        oDoc.Sheets.getByName(parts(1)).getCellRangeByName(parts(2)).setFormula(parts(3))
      Case "calc"
        oDoc.calculateAll()
      Case "save"
        oDoc.calculateAll()
        oDoc.storeToURL(ConvertToURL(parts(1)), sargs())
        oDoc.close(True)
    End Select
  Loop
  Close #iFile
  StarDesktop.terminate()
End Sub
"""


def edit_in_libreoffice(books: dict[str, tuple[bytes, list[str]]], folder: Path) -> dict[str, bytes]:
    """Each workbook (name → its bytes and steps, without ``open`` and ``save``) after LibreOffice made
    the steps, recalculated and saved it."""
    profile, ops = folder / "profile", folder / "ops.txt"
    basic = profile / "user" / "basic"
    command = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
    # A first start writes the profile (a Basic library written before it would be replaced), then the macro.
    subprocess.run([*command, "--terminate_after_init"], capture_output=True, timeout=120)
    (basic / "Standard" / "script.xlb").write_text(_XLB.format('<library:element library:name="Module1"/>'))
    module = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">\n'
        '<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" '
        'script:language="StarBasic">' + escape(_BASIC.format(ops=ops), {'"': "&quot;"}) + "</script:module>\n"
    )
    (basic / "Standard" / "Module1.xba").write_text(module)
    lines = []
    for name, (data, steps) in books.items():
        (folder / f"{name}.xlsx").write_bytes(data)
        lines += [f"open|{folder / name}.xlsx", *steps, f"save|{folder / name}_edited.xlsx"]
    ops.write_text("\n".join(lines) + "\n")
    done = subprocess.run(
        [*command, "macro:///Standard.Module1.Main"], capture_output=True, text=True, timeout=300
    )
    out = {}
    for name in books:
        path = folder / f"{name}_edited.xlsx"
        assert path.exists(), f"LibreOffice did not edit {name}: {done.stdout}\n{done.stderr}"
        out[name] = path.read_bytes()
    return out
