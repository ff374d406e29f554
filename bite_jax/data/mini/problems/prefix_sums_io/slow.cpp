#include <iostream>
#include <sstream>
#include <string>
using namespace std;

int main() {
    string line;
    getline(cin, line);
    int n = stoi(line);
    long long s = 0;
    for (int i = 0; i < n; ++i) {
        getline(cin, line);
        istringstream in(line);
        long long x;
        in >> x;
        s += x;
        ostringstream out;
        out << s;
        cout << out.str() << endl;
    }
    return 0;
}
