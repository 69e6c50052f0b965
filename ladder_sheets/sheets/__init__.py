"""New sheets and workbooks written with xlsxwriter: report sheets, template, calibration pack."""
