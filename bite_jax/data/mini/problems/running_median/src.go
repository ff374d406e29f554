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
	a := make([]int, 0, n)
	var total int64
	for k := 0; k < n; k++ {
		var x int
		fmt.Fscan(in, &x)
		// insert x into the sorted slice by shifting larger values right
		a = append(a, x)
		j := k
		for j > 0 && a[j-1] > x {
			a[j] = a[j-1]
			j--
		}
		a[j] = x
		total += int64(a[k/2])
	}
	fmt.Println(total)
}
