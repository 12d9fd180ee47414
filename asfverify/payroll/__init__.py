"""Reading Swedish payroll/employee lists for criterion C2: formats, headers, dates, subsidies, people."""
