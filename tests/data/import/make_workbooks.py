"""Writes the legacy workbooks of tests/data/import/ (run once; the outputs are checked in).

    pip install xlwt==1.3.0 odfpy==1.4.1 && python3 make_workbooks.py

- customers.xls: a customers sheet as an old core-banking report writes it (BIFF8, Chinese
  headers, an amount as a number, a date as text), by xlwt.
- customers.ods: the same sheet as LibreOffice's OpenDocument, by odfpy.
- corner_bomb.xls: four sheets, each with a cell at A1 and one at IV65536 (the last cell
  of the format): 5.6 KB that a reader laying sheets out whole turns into 2.6 GB.
"""

import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableRow, TableCell
from odf.text import P

HEADERS = ["客户号", "客户姓名", "性别", "城市", "年收入", "开户日期"]
ROWS = [
    ["K0001", "王伟", "男", "北京", 350000, "2019-03-15"],
    ["K0002", "李娜", "女", "上海", 1280000.5, "2021-11-02"],
    ["K0003", "张敏", "女", "广州", 86000, "2023-06-30"],
]

book = xlwt.Workbook(encoding="utf-8")
sheet = book.add_sheet("客户")
for column, header in enumerate(HEADERS):
    sheet.write(0, column, header)
for row, values in enumerate(ROWS, start=1):
    for column, value in enumerate(values):
        sheet.write(row, column, value)
book.save("customers.xls")

doc = OpenDocumentSpreadsheet()
table = Table(name="客户")
for values in [HEADERS] + ROWS:
    row = TableRow()
    for value in values:
        if isinstance(value, (int, float)):
            cell = TableCell(valuetype="float", value=value)
        else:
            cell = TableCell(valuetype="string")
        cell.addElement(P(text=str(value)))
        row.addElement(cell)
    table.addElement(row)
doc.spreadsheet.addElement(table)
doc.save("customers.ods")

bomb = xlwt.Workbook()
for k in range(4):
    far = bomb.add_sheet(f"S{k}")
    far.write(0, 0, "customer_id")
    far.write(0, 1, "name")
    far.write(65535, 255, "far")
bomb.save("corner_bomb.xls")
