from yc_reports.cli.app import main

main()
