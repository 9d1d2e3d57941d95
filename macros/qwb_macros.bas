Attribute VB_Name = "qwb_macros"
' qwb console macros: each reads the settings on the console sheet and does the work in Python
' (module qwb.console) through the xlwings add-in's RunPython. Progress shows in the status bar,
' the outcome in the status cell. They need the xlwings add-in (xlwings addin install) and the
' Interpreter of a Python with qwb installed (install.bat of the offline bundle sets both).
Option Explicit

' xlwings' Run main: runs main() of the .py file named like this workbook (qwb_console.py: consolidate).
Sub SampleCall()
    Dim mymodule As String
    mymodule = Left(ThisWorkbook.Name, (InStrRev(ThisWorkbook.Name, ".", -1, vbTextCompare) - 1))
    RunPython "import " & mymodule & ";" & mymodule & ".main()"
End Sub

' Button: generate the fill-in templates (by department or by assessed unit).
Sub QWB_Templates()
    RunPython "import qwb.console; qwb.console.templates_button()"
End Sub

' Button: check one returned workbook before it is sent.
Sub QWB_CheckReturn()
    RunPython "import qwb.console; qwb.console.check_button()"
End Sub

' Button: consolidate the returns folder into the ranking workbook.
Sub QWB_Consolidate()
    RunPython "import qwb.console; qwb.console.consolidate_button()"
End Sub
