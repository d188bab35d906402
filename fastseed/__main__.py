from fastseed.command import main

main()
