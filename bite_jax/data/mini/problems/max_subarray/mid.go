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
	a := make([]int64, n)
	for i := range a {
		fmt.Fscan(in, &a[i])
	}
	best := a[0]
	for i := 0; i < n; i++ {
		// a best block of two or more elements starts at the first of a run of positive elements (drop or add one)
		if a[i] <= 0 || (i > 0 && a[i-1] > 0) {
			if a[i] > best {
				best = a[i]
			}
			continue
		}
		var s int64
		for j := i; j < n; j++ {
			s += a[j]
			if s > best {
				best = s
			}
		}
	}
	fmt.Println(best)
}
