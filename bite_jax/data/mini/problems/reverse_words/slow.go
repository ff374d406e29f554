package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	in := bufio.NewReader(os.Stdin)
	var m int
	fmt.Fscan(in, &m)
	res := ""
	for i := 0; i < m; i++ {
		var w string
		fmt.Fscan(in, &w)
		if i > 0 {
			res = " " + res
		}
		res = w + res
	}
	fmt.Println(res)
}
