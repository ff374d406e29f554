package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	in := bufio.NewReader(os.Stdin)
	var n, k int
	fmt.Fscan(in, &n, &k)
	a := make([]int, n)
	for i := range a {
		fmt.Fscan(in, &a[i])
	}
	var total int64
	for i := 0; i+k <= n; i++ {
		best := a[i]
		for _, x := range a[i+1 : i+k] {
			if x > best {
				best = x
			}
		}
		total += int64(best)
	}
	fmt.Println(total)
}
