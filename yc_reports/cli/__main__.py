from yc_reports.cli import main

main()
