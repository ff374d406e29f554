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
	l := make([]int, n)
	r := make([]int, n)
	for i := 0; i < n; i++ {
		fmt.Fscan(in, &l[i], &r[i])
	}
	// the busiest moment is the start of some interval
	best := 0
	for i := 0; i < n; i++ {
		cnt := 0
		for j := 0; j < n; j++ {
			if l[j] <= l[i] && l[i] < r[j] {
				cnt++
			}
		}
		if cnt > best {
			best = cnt
		}
	}
	fmt.Println(best)
}
