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
	a := make([]int, n)
	for i := range a {
		fmt.Fscan(in, &a[i])
	}
	// a value is counted at its last occurrence
	d := 0
	for i := 0; i < n; i++ {
		later := false
		for j := i + 1; j < n; j++ {
			if a[j] == a[i] {
				later = true
			}
		}
		if !later {
			d++
		}
	}
	fmt.Println(d)
}
