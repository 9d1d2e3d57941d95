Attribute VB_Name = "qwb_macros"
' qwb console macros. Import into qwb_console.xlsm with the VBA editor
' (Alt+F11, File > Import File...). They need the xlwings add-in
' ("xlwings addin install") and a Python with qwb installed, set as the
' add-in's Interpreter. Each macro reads its settings from the sheet of
' settings in the workbook and does the work in Python (qwb.console);
' progress shows in the status bar, the outcome in the status cell.
' Assign them to buttons: right-click a shape > Assign Macro.
Option Explicit

' Consolidate the returns folder into the ranking workbook
' (the same as the add-in's "Run main" button).
Sub QWB_Consolidate()
    RunPython "import qwb.console; qwb.console.consolidate_button()"
End Sub

' Generate the fill-in templates (by department or by assessed unit).
Sub QWB_Templates()
    RunPython "import qwb.console; qwb.console.templates_button()"
End Sub

' Check one returned workbook before it is sent.
Sub QWB_CheckReturn()
    RunPython "import qwb.console; qwb.console.check_button()"
End Sub
