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
	// the best block containing a[i] grows left and right of i independently
	best := a[0]
	for i := 0; i < n; i++ {
		var s int64
		left, right := a[i], a[i]
		for j := i; j >= 0; j-- {
			s += a[j]
			if s > left {
				left = s
			}
		}
		s = 0
		for j := i; j < n; j++ {
			s += a[j]
			if s > right {
				right = s
			}
		}
		if left+right-a[i] > best {
			best = left + right - a[i]
		}
	}
	fmt.Println(best)
}
