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
		window := make([]int, 0, k)
		for j := i; j < i+k; j++ {
			window = append(window, a[j])
		}
		best := window[0]
		for _, x := range window[1:] {
			if x > best {
				best = x
			}
		}
		total += int64(best)
	}
	fmt.Println(total)
}
