package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	in := bufio.NewReader(os.Stdin)
	var n int
	fmt.Fscan(in, &n)
	seen := []int{}
	for i := 0; i < n; i++ {
		var x int
		fmt.Fscan(in, &x)
		found := false
		for _, v := range seen {
			if v == x {
				found = true
				break
			}
		}
		if !found {
			seen = append(seen, x)
		}
	}
	fmt.Println(len(seen))
}
