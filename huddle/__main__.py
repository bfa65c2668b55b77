from huddle.cli import main

main()
