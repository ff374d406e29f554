package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	in := bufio.NewReader(os.Stdin)
	var q int
	fmt.Fscan(in, &q)
	for ; q > 0; q-- {
		var x int
		fmt.Fscan(in, &x)
		composite := make([]bool, x+1)
		count := 0
		for i := 2; i <= x; i++ {
			if composite[i] {
				continue
			}
			count++
			for j := i * i; j <= x; j += i {
				composite[j] = true
			}
		}
		fmt.Println(count)
	}
}
